"""IntegrationManager: registers integrations and serves their configurations."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from desktop_integrations.config import ConfigList, IntegrationConfig
from desktop_integrations.config_cache import ConfigCache
from desktop_integrations.errors import (
    IntegrationAlreadyRegisteredError,
    IntegrationError,
    IntegrationNotRegisteredError,
)
from desktop_integrations.lazy_form import is_lazy
from desktop_integrations.registration import (
    check_config_form,
    check_declaration,
    class_integration_id,
    describe,
    instantiate,
)
from desktop_integrations.registry import IntegrationRegistry
from desktop_integrations.settings_upgrade import upgrade_settings
from desktop_integrations.signals import config_deleted, config_saved, configs_changed, send_safely
from desktop_integrations.storage import Store, StoreChange, open_store
from desktop_integrations.storage.secret_sealing import SecretSealer
from desktop_integrations.storage.settings_codec import plaintext_secrets

__all__ = [
    "IntegrationManager",
    "check_config_form",
    "get_integration_manager",
    "set_integration_manager",
]

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from desktop_integrations.integration import Integration

    IntegrationRef = str | type[Integration] | Integration


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _locked(method: _Method) -> _Method:
    """Run a method holding the manager's lock.

    Event handlers read configurations on their own threads while the app
    saves; the caches must change as one step with the database.
    """

    @functools.wraps(method)
    def locked(self: IntegrationManager, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)

    return cast(_Method, locked)


class IntegrationManager(IntegrationRegistry):
    """Registers integration classes and serves their configurations.

    Configurations are cached per integration and kept correct through every
    save and delete made here. Changes made by another process are picked up
    by :meth:`check_expired`, or at once on a live store (PostgreSQL), which
    then sends ``configs_changed``.

    Args:
        store: The database of configurations.

    Attributes:
        store: The database of configurations.
        lock: Held while the caches change, so that threads reading
            configurations (event handlers run on their own) and a save never
            see each other half done.
    """

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.lock = threading.RLock()
        self._sealer = SecretSealer(store)
        self._cache = ConfigCache(self, self._migrate)
        self._shut_down = False
        # Inside registering(): how deep, and which integrations have an enabled
        # configuration (None: not read yet, or changed since).
        self._batches = 0
        self._enabled_ids: set[str] | None = None
        store.subscribe(self._on_store_change)

    # Registration ----------------------------------------------------------

    @_locked
    def register_integration_class(self, integration_cls: type[Integration]) -> Integration:
        """Register an integration class and return its one instance.

        The instance is enabled at once if it has an enabled configuration.

        Raises:
            IntegrationAlreadyRegisteredError: Another integration uses its ID.
            IntegrationRegistrationError: The declaration is invalid; the
                message names the class and the field at fault.
        """
        check_declaration(integration_cls)
        integration_id = class_integration_id(integration_cls)
        existing = self._integrations.get(integration_id)
        if existing is not None:
            raise IntegrationAlreadyRegisteredError(
                f"Cannot register {describe(integration_cls)}: the integration ID "
                f"{integration_id!r} is already used by {describe(type(existing))}"
            )
        integration = instantiate(integration_cls, integration_id, self)
        self._integrations[integration_id] = integration
        if not is_lazy(integration_cls):  # a lazy form is not built for this
            self._note_sealed(self._sealer.seal(integration_id, integration.secret_fields))
        # Configurations loaded while it was missing were not migrated.
        self.clear_configs_cache(integration_id)
        if self._batches and self._enabled_ids is None:
            self._enabled_ids = self.store.enabled_integration_ids()
        self._refresh_enabled(integration_id, self._enabled_ids)
        return integration

    @contextmanager
    def registering(self) -> Iterator[None]:
        """Register many integrations at once, reading lazy enabling's answer once for all.

        Inside it, :meth:`register_integration_class` learns which integrations
        have an enabled configuration from one query, not one per integration
        (on PostgreSQL, one round trip each). Saves and deletes made through
        this manager meanwhile, and changes it learns of, have it read again.
        """
        with self.lock:
            self._batches += 1
        try:
            yield
        finally:
            with self.lock:
                self._batches -= 1
                if not self._batches:
                    self._enabled_ids = None

    @_locked
    def unregister_integration_class(self, integration_cls: type[Integration]) -> None:
        """Shut an integration down and unregister it. Its configurations stay stored.

        Raises:
            IntegrationNotRegisteredError: The class is not registered.
        """
        integration_id = next(
            (iid for iid, i in self._integrations.items() if type(i) is integration_cls), None
        )
        if integration_id is None:
            raise IntegrationNotRegisteredError(f"{describe(integration_cls)} is not registered")
        integration = self._integrations[integration_id]
        integration.disable_integration()
        del self._integrations[integration_id]
        self._invalidate(integration_id)

    # Configurations ------------------------------------------------------

    @_locked
    def get_integration_configs(
        self, integration_cls: IntegrationRef | None = None, **filters: Any
    ) -> ConfigList:
        """Return stored configurations, enabled and disabled, oldest first.

        The list is shared from the cache and read-only.

        Args:
            integration_cls: An integration class, instance or ID; None for the
                configurations of every integration, registered or not.
            **filters: Attribute values to match (``enabled``, ``name``...), or
                ``settings__<key>`` for a setting's value.
        """
        return self._cache.query(self._resolve_id(integration_cls), filters)

    @_locked
    def get_config(self, config_id: int) -> IntegrationConfig | None:
        """Return the stored configuration with this database ID, or None if there is none.

        Unlike :meth:`get_integration_configs`, this reads only that one
        configuration when its integration's are not loaded yet; loading them
        later keeps the same object.
        """
        return self._cache.get(config_id)

    def _resolve_id(self, ref: IntegrationRef | None) -> str | None:
        if ref is None or isinstance(ref, str):
            return ref
        if not isinstance(ref, type):  # an Integration instance
            return ref.id
        return class_integration_id(ref)

    def _migrate(self, config: IntegrationConfig) -> None:
        """Bring a loaded configuration's settings up to its integration's version.

        The result stays in memory until the configuration is saved; a failure
        leaves the settings as stored and marks the configuration.
        """
        integration = self._integrations.get(config.integration_id)
        if integration is None:
            return
        self._seal_plaintext(config, integration)
        upgrade_settings(config, integration)

    def _seal_plaintext(self, config: IntegrationConfig, integration: Integration) -> None:
        """Encrypt the secrets a loaded configuration still stores in plaintext.

        Registration seals those of earlier versions (see
        :mod:`~desktop_integrations.storage.secret_sealing`); this catches the
        rest, such as a lazily built form's. The revision stays as it was.
        """
        plain = plaintext_secrets(config.settings, config.secret_keys, integration.secret_fields)
        if plain and config.id is not None:
            sealed = self._sealer.seal_config(config.integration_id, config.id, frozenset(plain))
            if sealed:
                config.secret_keys = config.secret_keys | plain

    def _note_sealed(self, generation: int | None) -> None:
        if generation is not None:
            self._cache.note_write(generation)

    @_locked
    def save_config(self, config: IntegrationConfig, *, force: bool = False) -> None:
        """Store a configuration and update the caches and lazy enabling.

        Prefer ``config.save()``, which calls this.
        """
        if config.manager is not self:
            raise IntegrationError(f"{config!r} belongs to another IntegrationManager")
        created = config.id is None
        # A declared integration's plugin is imported: its form says which settings are secret.
        integration = self.load_integration(config.integration_id)
        secret_keys = config.secret_keys | (
            integration.secret_fields if integration else frozenset()
        )
        self._enabled_ids = None
        self._cache.note_write(self.store.save_config(config, secret_keys, force=force))
        self._cache.put(config)
        self._invalidate(config.integration_id)
        if config.enabled:
            self._enable(config.integration_id)
        else:
            self._refresh_enabled(config.integration_id)
        send_safely(config_saved, self, config=config, created=created)

    @_locked
    def delete_config(self, config: IntegrationConfig, *, force: bool = False) -> None:
        """Delete a configuration. Prefer ``config.delete()``, which calls this."""
        if config.id is None:
            raise IntegrationError(f"Cannot delete {config.name!r}: it was never saved")
        self._enabled_ids = None
        self._cache.note_write(self.store.delete_config(config, force=force))
        self._cache.drop(config)
        config.id = None
        config.revision = 0
        self._invalidate(config.integration_id)
        self._refresh_enabled(config.integration_id)
        send_safely(config_deleted, self, config=config)

    def _invalidate(self, integration_id: str) -> None:
        self._cache.invalidate(integration_id)
        integration = self._integrations.get(integration_id)
        if integration is not None:
            integration.forget_configs()

    def _enable(self, integration_id: str) -> None:
        integration = self._integrations.get(integration_id)
        if integration is not None and not self._shut_down:
            integration.enable_integration()

    def _refresh_enabled(self, integration_id: str, enabled_ids: set[str] | None = None) -> None:
        """Enable or disable an integration to match its enabled configurations."""
        integration = self._integrations.get(integration_id)
        if integration is None or self._shut_down:
            return
        if enabled_ids is not None:
            wanted = integration_id in enabled_ids
        else:
            wanted = self.store.has_enabled_config(integration_id)
        if wanted:
            integration.enable_integration()
        else:
            integration.disable_integration()

    # Caches --------------------------------------------------------------

    @_locked
    def clear_configs_cache(self, integration: IntegrationRef | None = None) -> None:
        """Forget the cached configurations of one integration, or of all."""
        integration_id = self._resolve_id(integration)
        if integration_id is None:
            self.clear_all_configs_cache()
            return
        self._cache.forget(integration_id)
        self._invalidate(integration_id)

    @_locked
    def clear_all_configs_cache(self) -> None:
        """Forget every cached configuration."""
        self._forget_configs()
        self._cache.generation = self.store.generation()

    def _forget_configs(self) -> None:
        self._cache.clear()
        for integration in self._integrations.values():
            integration.forget_configs()

    def is_expired(self) -> bool:
        """Return whether another process changed configurations since cached."""
        return self._cache.is_expired()

    @_locked
    def check_expired(self) -> bool:
        """Reload from the database if another process changed configurations.

        Returns:
            Whether the caches were stale and have been cleared.
        """
        if not self.is_expired():
            return False
        self.clear_all_configs_cache()
        self._enabled_ids = None
        enabled_ids = self.store.enabled_integration_ids()
        for integration_id in list(self._integrations):
            self._refresh_enabled(integration_id, enabled_ids)
        for declared in self.get_declared_integrations():
            if declared.id in enabled_ids:  # another program enabled one of its configurations
                self.load_integration(declared.id)
        return True

    def _on_store_change(self, change: StoreChange) -> None:
        """Follow a change another process made (called on the store's own thread)."""
        if change.generation is not None and change.generation <= self._cache.generation:
            return  # our own write: decided without waiting for the lock a save holds
        with self.lock:
            if change.generation is not None and change.generation <= self._cache.generation:
                return  # our own write, or one already read
            try:
                if change.generation is None:
                    self._cache.generation = -1  # changes may have been missed: read everything
                if not self.check_expired():
                    return
            except IntegrationError:
                logger.warning("Could not read the changed configurations", exc_info=True)
                return
        send_safely(configs_changed, self)

    @_locked
    def shutdown(self) -> None:
        """Disable every integration and forget the cached configurations.

        From then on no integration is enabled again: saving an enabled
        configuration stores it without starting its integration.
        """
        self._shut_down = True
        self.store.unsubscribe(self._on_store_change)
        for integration in self._integrations.values():
            integration.disable_integration()
        self._forget_configs()


_default_manager: IntegrationManager | None = None
_default_lock = threading.Lock()


def get_integration_manager() -> IntegrationManager:
    """Return the process-wide manager, created on the default database on first use."""
    global _default_manager
    with _default_lock:
        if _default_manager is None:
            _default_manager = IntegrationManager(open_store())
        return _default_manager


def set_integration_manager(manager: IntegrationManager | None) -> None:
    """Make ``manager`` the process-wide manager (None: create one on next use)."""
    global _default_manager
    with _default_lock:
        _default_manager = manager
