"""Extensions (plugins) and the hook through which they add integrations."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from desktop_integrations.hooks import Hook
from desktop_integrations.integration import Integration

if TYPE_CHECKING:
    from desktop_integrations.manager import IntegrationManager


class Extension:
    """Base class of extensions: plugins that add integrations and hooks.

    Attributes:
        id: A unique ID; defaults to ``"<plugin module>.<ClassName>"``.
        name: The name shown in the plugins list.
        version: The extension's version.
        description: A short description.
        instance: The running instance of this class, or None.
        integration_manager: The manager integrations are registered with.
        hooks: The hooks it registered while enabled.
    """

    id: ClassVar[str] = ""
    name: ClassVar[str] = ""
    version: ClassVar[str] = ""
    description: ClassVar[str] = ""
    instance: ClassVar[Extension | None] = None

    def __init__(self, integration_manager: IntegrationManager) -> None:
        self.integration_manager = integration_manager
        self.hooks: set[Hook] = set()

    def initialize(self) -> None:
        """Register hooks. Called when the extension is enabled."""

    def shutdown(self) -> None:
        """Called when the extension is disabled, before its hooks are removed."""

    def shutdown_hooks(self) -> None:
        """Disable every hook the extension registered."""
        for hook in list(self.hooks):
            hook.disable_hook()

    @classmethod
    def get_static_url(cls, relpath: str) -> str:
        """Return the path of a file in the plugin's own folder."""
        module = sys.modules[cls.__module__]
        return str(Path(module.__file__ or ".").parent / relpath)


class IntegrationHook(Hook):
    """Registers an integration class while its extension is enabled."""

    def initialize(self, integration_cls: type[Integration], *args: Any, **kwargs: Any) -> None:
        """Register ``integration_cls`` with the extension's manager."""
        owner = self.owner
        assert isinstance(owner, Extension)
        self.integration_cls = integration_cls
        self.integration_manager = owner.integration_manager
        self.integration_manager.register_integration_class(integration_cls)

    def shutdown(self) -> None:
        """Unregister the integration class; its configurations stay stored."""
        self.integration_manager.unregister_integration_class(self.integration_cls)
