"""The Integration base class and the static() helper for its icons."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from desktop_integrations.forms import (
    BoundConfigForm,
    IntegrationConfigForm,
    secret_field_names,
)
from desktop_integrations.hooks import Hook
from desktop_integrations.naming import PLUGIN_PACKAGE as PLUGIN_PACKAGE
from desktop_integrations.naming import qualified_id as qualified_id
from desktop_integrations.naming import static as static
from desktop_integrations.signals import (
    integration_disabled,
    integration_enabled,
    send_safely,
)

if TYPE_CHECKING:
    from desktop_integrations.config import ConfigList, IntegrationConfig
    from desktop_integrations.icon_tile import LetterTile
    from desktop_integrations.manager import IntegrationManager

logger = logging.getLogger(__name__)


class Integration:
    """Base class of integrations with third-party services.

    There is one instance per registered class, made by the
    :class:`~desktop_integrations.manager.IntegrationManager`. It is enabled,
    and :meth:`initialize` called, only while at least one of its
    configurations is enabled.

    Attributes:
        integration_id: A unique, stable ID. Defaults to
            ``"<module>.<ClassName>"``, written onto the class at registration;
            an empty string or None means "not set".
        name: The name shown when listing and configuring integrations.
        description: A short description shown in listings.
        default_settings: Default values for configuration settings.
        config_form_cls: The :class:`IntegrationConfigForm` subclass that
            declares the configuration form.
        keywords: More words that find it in the app's search (URL schemes,
            other names of the service).
        settings_version: The version of the settings' layout. Raise it when
            the form changes incompatibly, and convert older settings in
            :meth:`migrate_settings`.
        enabled: Whether the integration is running.
        hooks: The hooks it registered while enabled.
        integration_mgr: The manager that registered it.
    """

    integration_id: ClassVar[str | None] = ""
    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    default_settings: ClassVar[Mapping[str, Any]] = {}
    config_form_cls: ClassVar[type[IntegrationConfigForm]] = IntegrationConfigForm
    keywords: ClassVar[tuple[str, ...]] = ()
    settings_version: ClassVar[int] = 1

    def __init__(self, integration_mgr: IntegrationManager) -> None:
        self.integration_mgr = integration_mgr
        self.enabled = False
        self.hooks: set[Hook] = set()
        self._enabled_configs: ConfigList | None = None

    @property
    def id(self) -> str:
        """The integration's ID (written onto the class when it is registered)."""
        return self.integration_id or ""

    @property
    def icon_static_urls(self) -> Mapping[str, str]:
        """Icon file paths by resolution, ``{"1x": path, "2x": path}``."""
        return {}

    @property
    def icon_tile(self) -> LetterTile | None:
        """A generated icon to show when :attr:`icon_static_urls` is empty, or None.

        None (the default) makes a missing icon a logged warning.
        """
        return None

    @property
    def secret_fields(self) -> frozenset[str]:
        """The names of the settings stored encrypted (``SecretStr`` fields)."""
        return secret_field_names(self.config_form_cls)

    def migrate_settings(self, from_version: int, settings: dict[str, Any]) -> dict[str, Any]:
        """Return settings stored at ``from_version`` converted to :attr:`settings_version`.

        Called when a configuration saved by an older version of the
        integration is loaded. If it raises, the stored settings are left
        untouched and the configuration is marked with the error.

        Args:
            from_version: The version the settings were saved at (0 if unknown).
            settings: A copy of the stored settings, which may be modified.
        """
        return settings

    def initialize(self) -> None:
        """Start listening to events. Called when the integration is enabled."""

    def shutdown(self) -> None:
        """Stop. Called when it is disabled, before its hooks are disconnected."""

    def enable_integration(self) -> None:
        """Enable the integration and call :meth:`initialize`, once."""
        if self.enabled:
            return
        self.enabled = True
        try:
            self.initialize()
        except Exception:
            logger.exception("Integration %r failed to initialize", self.id)
            self.shutdown_hooks()
            self.enabled = False
            return
        send_safely(integration_enabled, self)

    def disable_integration(self) -> None:
        """Call :meth:`shutdown`, disconnect every hook, and disable."""
        if not self.enabled:
            return
        try:
            self.shutdown()
        except Exception:
            logger.exception("Integration %r failed to shut down", self.id)
        self.shutdown_hooks()
        self.enabled = False
        send_safely(integration_disabled, self)

    def shutdown_hooks(self) -> None:
        """Disable every hook the integration registered."""
        for hook in list(self.hooks):
            hook.disable_hook()

    def get_configs(self, **filters: Any) -> ConfigList:
        """Return this integration's enabled configurations, cached.

        The list is shared from the cache and read-only. It is correct
        immediately after any save or delete made through this process's
        manager.

        Args:
            **filters: Attribute values to match (``name``, ``id``...), or
                ``settings__<key>`` for a setting's value.
        """
        if filters:
            return self.integration_mgr.get_integration_configs(self.id, enabled=True, **filters)
        # Event handlers call this for every event: answer from a per-instance
        # cache that the manager drops, under its lock, whenever this
        # integration's configurations change.
        configs = self._enabled_configs
        if configs is None:
            with self.integration_mgr.lock:
                configs = self._enabled_configs
                if configs is None:
                    configs = self.integration_mgr.get_integration_configs(self.id, enabled=True)
                    self._enabled_configs = configs
        return configs

    def forget_configs(self) -> None:
        """Drop the cached result of :meth:`get_configs`. The manager calls this."""
        self._enabled_configs = None

    def create_config(self, save: bool = False, **fields: Any) -> IntegrationConfig:
        """Return a new configuration of this integration, disabled unless ``enabled=True``.

        As in Djblets, a configuration made in code is not in use until it is
        enabled: saving one does not start the integration. (The
        configuration dialog's check box starts on: that is the user choosing.)

        Args:
            save: Store it before returning.
            **fields: ``name``, ``enabled`` (default False), ``settings`` or
                ``extra_data``.
        """
        from desktop_integrations.config import IntegrationConfig

        unknown = set(fields) - {"name", "enabled", "settings", "extra_data"}
        if unknown:
            raise TypeError(
                f"create_config() of {self.id!r} got unknown field(s) {', '.join(sorted(unknown))}"
            )
        fields.setdefault("enabled", False)
        config = IntegrationConfig(self.integration_mgr, self.id, **fields)
        config.settings_version = self.settings_version
        if save:
            config.save()
        return config

    def build_config_form(
        self,
        config: IntegrationConfig | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> BoundConfigForm:
        """Return the configuration form bound to ``config`` and ``data``."""
        return BoundConfigForm(self, config, data)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id!r}>"
