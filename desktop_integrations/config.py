"""IntegrationConfig: one stored configuration of an integration."""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from desktop_integrations.conditions import Conditions
    from desktop_integrations.events import Event
    from desktop_integrations.integration import Integration
    from desktop_integrations.manager import IntegrationManager
    from desktop_integrations.storage.settings_codec import DecodedSettings

logger = logging.getLogger(__name__)

#: Decodes a stored settings document, decrypting its secrets.
SettingsDecoder = Callable[[str], "DecodedSettings"]


class IntegrationConfig:
    """A configuration: a name, an enabled flag and settings for one integration.

    Attributes:
        id: The database ID, or None until first saved.
        integration_id: The ID of the integration this configures.
        name: A name the user gives the configuration.
        enabled: Whether the configuration is in use.
        extra_data: Free-form JSON-compatible data kept with the configuration.
        revision: Incremented on every save; detects conflicting edits.
        settings_version: The integration's ``settings_version`` the settings
            are laid out in.
        time_added: When the configuration was first saved (UTC).
        last_updated: When it was last saved (UTC); changes on every save.
    """

    def __init__(
        self,
        manager: IntegrationManager,
        integration_id: str,
        name: str = "",
        enabled: bool = True,
        settings: dict[str, Any] | None = None,
        extra_data: dict[str, Any] | None = None,
    ) -> None:
        self.manager = manager
        self.id: int | None = None
        #: A stable, unique ID, given when first saved and kept by export and import.
        self.uid: str | None = None
        self.integration_id = integration_id
        self.name = name
        self.enabled = enabled
        self._settings: dict[str, Any] | None = dict(settings or {})
        self._raw_settings: str | None = None
        self._decoder: SettingsDecoder | None = None
        self.extra_data: dict[str, Any] = dict(extra_data or {})
        self.revision = 0
        self.settings_version = 0
        self.time_added: datetime | None = None
        self.last_updated: datetime | None = None
        self._secret_keys: set[str] = set()
        self._sealed: dict[str, str] = {}
        self._problems: list[str] = []
        self._conditions: tuple[Any, Conditions | None] | None = None

    def set_stored_settings(self, raw: str, decoder: SettingsDecoder) -> None:
        """Keep the stored settings document, decoded on first access."""
        self._raw_settings = raw
        self._decoder = decoder
        self._settings = None

    @property
    def settings(self) -> dict[str, Any]:
        """The integration-specific settings, by setting name."""
        if self._settings is None:
            assert self._raw_settings is not None and self._decoder is not None
            decoded = self._decoder(self._raw_settings)
            self._settings = decoded.settings
            self._secret_keys |= decoded.secret_keys
            self._sealed.update(decoded.sealed)
            self._problems.extend(decoded.problems)
            self._raw_settings = None
        return self._settings

    @settings.setter
    def settings(self, value: dict[str, Any]) -> None:
        self._settings = value
        self._raw_settings = None

    # Decoding the stored settings is what reveals these, so they decode first.

    @property
    def secret_keys(self) -> set[str]:
        """Setting names that are stored encrypted."""
        _ = self.settings
        return self._secret_keys

    @secret_keys.setter
    def secret_keys(self, value: set[str]) -> None:
        self._secret_keys = value

    @property
    def sealed(self) -> dict[str, str]:
        """Encrypted values that could not be decrypted, kept as stored."""
        _ = self.settings
        return self._sealed

    @property
    def problems(self) -> list[str]:
        """Messages about stored data that could not be read."""
        _ = self.settings
        return self._problems

    @property
    def integration(self) -> Integration:
        """The registered integration instance.

        Raises:
            IntegrationNotRegisteredError: The integration is not registered
                (for instance, its plugin was removed).
        """
        return self.manager.get_integration(self.integration_id)

    @property
    def is_available(self) -> bool:
        """Whether the configuration's integration is registered."""
        return self.manager.is_registered(self.integration_id)

    def get(self, key: str, default: Any = None) -> Any:
        """Return a setting: the stored value, else the integration's default."""
        settings = self.settings
        if key in settings:
            return settings[key]
        integration = self.manager.find_integration(self.integration_id)
        if integration is not None and key in integration.default_settings:
            return integration.default_settings[key]
        return default

    def matches(self, event: Event) -> bool:
        """Return whether this configuration's ``conditions`` send ``event``.

        For integrations that pick configurations themselves rather than
        deriving from ``ServiceIntegration`` (which does this for you). A
        configuration without conditions sends every event; one whose stored
        conditions no longer validate sends none (a warning is logged, and the
        configuration's form shows why).
        """
        from pydantic import ValidationError

        from desktop_integrations.conditions import Conditions

        raw = self.get("conditions")
        if raw is None:
            return True
        cached = self._conditions
        if cached is None or cached[0] is not raw:
            try:
                conditions: Conditions | None = (
                    raw if isinstance(raw, Conditions) else Conditions.model_validate(raw)
                )
            except ValidationError as e:
                conditions = None
                logger.warning("The conditions of %r are not valid: %s", self.name, e)
            cached = self._conditions = (raw, conditions)
        return cached[1] is not None and cached[1].matches(event)

    def set(self, key: str, value: Any) -> None:
        """Set a setting. It is stored on the next :meth:`save`."""
        self.settings[key] = value

    def save(self, *, force: bool = False) -> None:
        """Store the configuration in one transaction.

        Args:
            force: Overwrite even if it changed in the database since loaded.

        Raises:
            ConfigConflictError: It changed in the database since it was loaded.
            StoreError: The database could not be written.
        """
        self.manager.save_config(self, force=force)

    def delete(self, *, force: bool = False) -> None:
        """Delete the configuration from the database.

        Args:
            force: Delete it even if it changed in the database since loaded.

        Raises:
            ConfigConflictError: It changed in the database since it was loaded.
            StoreError: The database could not be written.
        """
        self.manager.delete_config(self, force=force)

    def copy(self, name: str | None = None) -> IntegrationConfig:
        """Return an unsaved copy, for instance to duplicate a configuration."""
        clone = IntegrationConfig(
            self.manager,
            self.integration_id,
            self.name if name is None else name,
            self.enabled,
            copy.deepcopy(self.settings),
            copy.deepcopy(self.extra_data),
        )
        clone.secret_keys = set(self.secret_keys)
        return clone

    def snapshot(self) -> dict[str, Any]:
        """Return the editable state, for :meth:`restore` after a failed save."""
        return {
            "name": self.name,
            "enabled": self.enabled,
            "settings": copy.deepcopy(self.settings),
            "extra_data": copy.deepcopy(self.extra_data),
        }

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Put back the state returned by :meth:`snapshot`."""
        self.name = snapshot["name"]
        self.enabled = snapshot["enabled"]
        self.settings = snapshot["settings"]
        self.extra_data = snapshot["extra_data"]

    def __str__(self) -> str:
        integration = self.manager.find_integration(self.integration_id)
        owner = integration.name if integration else f"unavailable: {self.integration_id}"
        return f"{self.name} ({owner})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IntegrationConfig):
            return NotImplemented
        if self.id is None or other.id is None:
            return self is other
        return self.id == other.id and self.manager.store.location == other.manager.store.location

    def __hash__(self) -> int:
        if self.id is None:
            raise TypeError("An unsaved IntegrationConfig is unhashable")
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<IntegrationConfig id={self.id} {self.integration_id!r} {self.name!r}>"


class ConfigList(list[IntegrationConfig]):
    """A read-only list of configurations, shared from the manager's cache.

    It compares equal to a plain list with the same items. Changing it raises
    TypeError: copy it with ``list(configs)`` first.
    """

    def _read_only(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("This list of configurations is shared and read-only; copy it first")

    append = extend = insert = remove = pop = clear = sort = reverse = _read_only
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only
