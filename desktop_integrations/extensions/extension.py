"""Extensions (plugins) and the hook through which they add integrations."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from desktop_integrations.hooks import Hook

if TYPE_CHECKING:
    from desktop_integrations.integration import Integration
    from desktop_integrations.manager import IntegrationManager

logger = logging.getLogger(__name__)


class Extension:
    """Base class of extensions: plugins that add integrations and hooks.

    Attributes:
        id: A unique ID; defaults to ``"<plugin module>.<ClassName>"``.
        name: The name shown in the plugins list.
        version: The extension's version.
        description: A short description.
        instance: The running instance of this class, or None while disabled.
        plugin_name: The name of the plugin that holds it, set when loaded.
        plugin_path: The plugin's module file or package folder, set when
            loaded from a plugins folder.
        integration_manager: The manager integrations are registered with.
        hooks: The hooks it registered while enabled.
    """

    id: ClassVar[str] = ""
    name: ClassVar[str] = ""
    version: ClassVar[str] = ""
    description: ClassVar[str] = ""
    instance: ClassVar[Extension | None] = None
    plugin_name: ClassVar[str] = ""
    plugin_path: ClassVar[Path | None] = None

    def __init__(self, integration_manager: IntegrationManager) -> None:
        self.integration_manager = integration_manager
        self.hooks: set[Hook] = set()

    def initialize(self) -> None:
        """Register hooks. Called when the extension is enabled."""

    def shutdown(self) -> None:
        """Called when the extension is disabled, before its hooks are removed."""

    def shutdown_hooks(self) -> None:
        """Disable every hook the extension registered.

        A hook that fails to shut down is logged and the others still are.
        """
        for hook in list(self.hooks):
            try:
                hook.disable_hook()
            except KeyboardInterrupt:
                raise
            except BaseException:  # a plugin's sys.exit() must not end the app
                logger.exception("Extension %r failed to remove hook %r", self.id, hook)
                self.hooks.discard(hook)

    @classmethod
    def get_static_url(cls, relpath: str) -> str:
        """Return the path of a file in the plugin's own folder.

        That is the package folder of a package plugin, and the folder holding
        the module of a single-module plugin.
        """
        path = cls.plugin_path
        if path is None:
            path = Path(sys.modules[cls.__module__].__file__ or ".")
        folder = path if path.is_dir() else path.parent
        return str(folder / relpath)


class IntegrationHook(Hook):
    """Registers an integration class while its extension is enabled."""

    def initialize(self, integration_cls: type[Integration], *args: Any, **kwargs: Any) -> None:
        """Register ``integration_cls`` with the extension's manager."""
        owner = self.owner
        if not isinstance(owner, Extension):
            raise TypeError(f"IntegrationHook needs an Extension as its owner, not {owner!r}")
        self.integration_cls = integration_cls
        self.integration_manager = owner.integration_manager
        self.integration_manager.register_integration_class(integration_cls)

    def shutdown(self) -> None:
        """Unregister the integration class; its configurations stay stored."""
        self.integration_manager.unregister_integration_class(self.integration_cls)


def shut_down(extension: Extension, timeout: float) -> None:
    """Call ``extension.shutdown()``, waiting at most ``timeout`` seconds, then remove its hooks.

    ``shutdown()`` runs on a thread of its own, so that one that hangs cannot
    keep the app (or a command) from exiting; the log names the extension.
    """

    def run() -> None:
        try:
            extension.shutdown()
        except BaseException:  # a plugin's sys.exit() must not end the app
            logger.exception("Extension %r failed to shut down", extension.id)

    worker = threading.Thread(target=run, name=f"shutdown {extension.id}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        logger.error(
            "Extension %r did not finish shutting down within %g s; going on without it",
            extension.id,
            timeout,
        )
    extension.shutdown_hooks()
