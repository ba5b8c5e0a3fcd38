"""IntegrationManager: the registry of integrations and the cache of configurations."""

from __future__ import annotations

import copy
import functools
import json
import logging
import threading
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from desktop_integrations.config import ConfigList, IntegrationConfig
from desktop_integrations.errors import (
    IntegrationAlreadyRegisteredError,
    IntegrationError,
    IntegrationNotRegisteredError,
    IntegrationRegistrationError,
)
from desktop_integrations.naming import qualified_id
from desktop_integrations.signals import config_deleted, config_saved, configs_changed, send_safely
from desktop_integrations.storage import Store, StoreChange, open_store
from desktop_integrations.storage.secret_sealing import SecretSealer
from desktop_integrations.storage.settings_codec import plaintext_secrets

logger = logging.getLogger(__name__)

_CONFIG_ATTRIBUTES = frozenset({"id", "integration_id", "name", "enabled", "revision"})

if TYPE_CHECKING:
    from desktop_integrations.declared import DeclaredIntegration
    from desktop_integrations.integration import Integration

    IntegrationRef = str | type[Integration] | Integration


def _describe(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def check_config_form(cls: type, form_cls: Any) -> None:
    """Raise IntegrationRegistrationError if ``form_cls`` is not a valid form of ``cls``."""
    from desktop_integrations.field_rules import form_rules
    from desktop_integrations.forms import IntegrationConfigForm, get_fieldsets

    where = f"Cannot register {_describe(cls)}"
    if not isinstance(form_cls, type) or not issubclass(form_cls, IntegrationConfigForm):
        raise IntegrationRegistrationError(
            f"{where}: 'config_form_cls' must be an IntegrationConfigForm subclass, "
            f"not {form_cls!r}"
        )
    try:
        get_fieldsets(form_cls)
        form_rules(form_cls)
    except IntegrationRegistrationError as e:
        raise IntegrationRegistrationError(f"{where}: {e}") from e


def _check_declaration(cls: Any) -> None:
    """Raise IntegrationRegistrationError if ``cls`` is not a valid integration."""
    # Imported here: the forms (pydantic) are needed only once plugins register.
    from desktop_integrations.integration import Integration
    from desktop_integrations.lazy_form import is_lazy

    if not isinstance(cls, type) or not issubclass(cls, Integration):
        raise IntegrationRegistrationError(
            f"Cannot register {cls!r}: it is not an Integration subclass"
        )
    where = f"Cannot register {_describe(cls)}"
    # None, as in Djblets, means "not set": the default ID is generated.
    hand_set_id = cls.__dict__.get("integration_id") or ""
    if not isinstance(hand_set_id, str):
        raise IntegrationRegistrationError(f"{where}: 'integration_id' must be a string")
    if not isinstance(cls.name, str) or not cls.name.strip():
        raise IntegrationRegistrationError(f"{where}: 'name' must be a non-empty string")
    if not isinstance(cls.description, str):
        raise IntegrationRegistrationError(f"{where}: 'description' must be a string")
    if not is_lazy(cls):  # a lazy form is checked alike when it is built
        check_config_form(cls, cls.config_form_cls)
    if not isinstance(cls.default_settings, dict):
        raise IntegrationRegistrationError(f"{where}: 'default_settings' must be a dict")
    for key, value in cls.default_settings.items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise IntegrationRegistrationError(
                f"{where}: default_settings[{key!r}] is not JSON-compatible ({e})"
            ) from e


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


def _matches(config: IntegrationConfig, filters: dict[str, Any]) -> bool:
    for key, value in filters.items():
        if key.startswith("settings__"):
            if config.get(key.removeprefix("settings__")) != value:
                return False
        elif getattr(config, key) != value:
            return False
    return True


class IntegrationManager:
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
        self.store = store
        self.lock = threading.RLock()
        self._integrations: dict[str, Integration] = {}
        self._declared: dict[str, DeclaredIntegration] = {}
        self._sealer = SecretSealer(store)
        self._configs: dict[str, dict[int, IntegrationConfig]] = {}
        self._all_loaded = False
        self._results: dict[Hashable, ConfigList] = {}
        # Read one by one (get_config) while their integration's were not loaded.
        self._singles: dict[int, IntegrationConfig] = {}
        self._generation = store.generation()
        self._shut_down = False
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
        _check_declaration(integration_cls)
        integration_id = integration_cls.__dict__.get("integration_id") or qualified_id(
            integration_cls
        )
        existing = self._integrations.get(integration_id)
        if existing is not None:
            raise IntegrationAlreadyRegisteredError(
                f"Cannot register {_describe(integration_cls)}: the integration ID "
                f"{integration_id!r} is already used by {_describe(type(existing))}"
            )
        integration = self._instantiate(integration_cls, integration_id)
        self._integrations[integration_id] = integration
        from desktop_integrations.lazy_form import is_lazy

        if not is_lazy(integration_cls):  # a lazy form is not built for this
            self._note_sealed(self._sealer.seal(integration_id, integration.secret_fields))
        # Configurations loaded while it was missing were not migrated.
        self.clear_configs_cache(integration_id)
        self._refresh_enabled(integration_id)
        return integration

    def _instantiate(self, integration_cls: type[Integration], integration_id: str) -> Integration:
        """Make the one instance, with the ID on the class while the constructor runs.

        A constructor that raises leaves the class as it was, so that a fixed
        class registers cleanly later (under a new or hand-set ID).
        """
        missing = object()
        previous = integration_cls.__dict__.get("integration_id", missing)
        integration_cls.integration_id = integration_id
        try:
            return integration_cls(self)
        except Exception as e:
            if previous is missing:
                del integration_cls.integration_id
            else:
                integration_cls.integration_id = previous
            raise IntegrationRegistrationError(
                f"Cannot register {_describe(integration_cls)}: its constructor raised "
                f"{type(e).__name__}: {e}"
            ) from e

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
            raise IntegrationNotRegisteredError(f"{_describe(integration_cls)} is not registered")
        integration = self._integrations[integration_id]
        integration.disable_integration()
        del self._integrations[integration_id]
        self._invalidate(integration_id)

    def get_integration(self, integration_id: str) -> Integration:
        """Return the registered integration with this ID.

        A declared integration's plugin is imported first.

        Raises:
            IntegrationNotRegisteredError: No integration has this ID.
        """
        integration = self.load_integration(integration_id)
        if integration is None:
            raise IntegrationNotRegisteredError(
                f"No integration with the ID {integration_id!r} is registered"
            )
        return integration

    # Declared integrations: listed from a plugin's manifest before it is imported.

    def declare_integration(self, declared: DeclaredIntegration) -> None:
        """List ``declared`` until its plugin registers the real integration."""
        self._declared[declared.id] = declared

    def undeclare_integration(self, integration_id: str) -> None:
        """Stop listing a declared integration (its plugin was unloaded)."""
        self._declared.pop(integration_id, None)

    def find_declared(self, integration_id: str) -> DeclaredIntegration | None:
        """Return the declared integration with this ID while it is not registered, or None."""
        if integration_id in self._integrations:
            return None
        return self._declared.get(integration_id)

    def get_declared_integrations(self) -> list[DeclaredIntegration]:
        """Return the declared integrations whose plugins are not imported yet."""
        return [d for d in self._declared.values() if d.id not in self._integrations]

    def load_integration(self, integration_id: str) -> Integration | None:
        """Return the registered integration, importing a declared one's plugin; None if neither."""
        integration = self._integrations.get(integration_id)
        if integration is None:
            declared = self._declared.get(integration_id)
            if declared is not None:
                declared.load()
                integration = self._integrations.get(integration_id)
        return integration

    def find_integration(self, integration_id: str) -> Integration | None:
        """Return the registered integration with this ID, or None."""
        return self._integrations.get(integration_id)

    def is_registered(self, integration_id: str) -> bool:
        """Return whether an integration with this ID is registered."""
        return integration_id in self._integrations

    def get_integrations(self) -> list[Integration]:
        """Return every registered integration, in registration order."""
        return list(self._integrations.values())

    def get_integration_classes(self) -> list[type[Integration]]:
        """Return every registered integration class, in registration order."""
        return [type(integration) for integration in self._integrations.values()]

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
        integration_id = self._resolve_id(integration_cls)
        unknown = [
            key
            for key in filters
            if key not in _CONFIG_ATTRIBUTES and not key.startswith("settings__")
        ]
        if unknown:
            raise TypeError(
                f"Unknown configuration filter(s) {', '.join(unknown)}: filter on "
                f"{', '.join(sorted(_CONFIG_ATTRIBUTES))} or settings__<key>"
            )
        key = (integration_id, tuple(sorted(filters.items())))
        try:
            cached = self._results.get(key)
        except TypeError:  # an unhashable filter value: answer without caching
            return ConfigList(c for c in self._load(integration_id) if _matches(c, filters))
        if cached is None:
            cached = ConfigList(c for c in self._load(integration_id) if _matches(c, filters))
            self._results[key] = cached
        return cached

    @_locked
    def get_config(self, config_id: int) -> IntegrationConfig | None:
        """Return the stored configuration with this database ID, or None if there is none.

        Unlike :meth:`get_integration_configs`, this reads only that one
        configuration when its integration's are not loaded yet; loading them
        later keeps the same object.
        """
        for bucket in self._configs.values():
            config = bucket.get(config_id)
            if config is not None:
                return config
        config = self._singles.get(config_id)
        if config is None:
            config = self.store.load_config(self, config_id)
            if config is None:
                return None
            self._migrate(config)
            self._singles[config_id] = config
        return config

    def _resolve_id(self, ref: IntegrationRef | None) -> str | None:
        if ref is None or isinstance(ref, str):
            return ref
        if not isinstance(ref, type):  # an Integration instance
            return ref.integration_id
        return ref.__dict__.get("integration_id") or qualified_id(ref)

    def _load(self, integration_id: str | None) -> Iterable[IntegrationConfig]:
        if integration_id is not None:
            bucket = self._configs.get(integration_id)
            if bucket is None:
                configs = self.store.load_configs(self, integration_id)
                bucket = self._configs[integration_id] = {}
                for config in configs:
                    if config.id:
                        bucket[config.id] = self._adopt(config)
            return bucket.values()
        if not self._all_loaded:
            for config in self.store.load_configs(self):
                bucket = self._configs.setdefault(config.integration_id, {})
                if config.id not in bucket and config.id is not None:
                    bucket[config.id] = self._adopt(config)
            self._all_loaded = True
        return sorted(
            (c for bucket in self._configs.values() for c in bucket.values()),
            key=lambda c: c.id or 0,
        )

    def _adopt(self, config: IntegrationConfig) -> IntegrationConfig:
        """Return the object already handed out by get_config(), else ``config`` migrated."""
        single = self._singles.pop(config.id, None) if config.id is not None else None
        if single is not None:
            return single
        self._migrate(config)
        return config

    def _migrate(self, config: IntegrationConfig) -> None:
        """Bring a loaded configuration's settings up to its integration's version.

        The result stays in memory until the configuration is saved; a failure
        leaves the settings as stored and marks the configuration.
        """
        integration = self._integrations.get(config.integration_id)
        if integration is None:
            return
        self._seal_plaintext(config, integration)
        if config.settings_version >= integration.settings_version:
            return
        old, new = config.settings_version, integration.settings_version
        try:
            settings = integration.migrate_settings(old, copy.deepcopy(config.settings))
            if not isinstance(settings, dict):
                raise TypeError(f"migrate_settings() returned {type(settings).__name__}, not dict")
        except Exception as e:
            logger.exception("Migrating the settings of %r failed", config)
            config.problems.append(
                f"The settings could not be migrated from version {old} to {new}: {e}"
            )
            return
        config.settings = settings
        config.settings_version = new

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
            self._note_write(generation)

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
        self._note_write(self.store.save_config(config, secret_keys, force=force))
        assert config.id is not None
        bucket = self._configs.get(config.integration_id)
        if bucket is None and self._all_loaded:
            bucket = self._configs[config.integration_id] = {}
        if bucket is not None:
            bucket[config.id] = config
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
        self._note_write(self.store.delete_config(config, force=force))
        self._configs.get(config.integration_id, {}).pop(config.id, None)
        self._singles.pop(config.id, None)
        config.id = None
        config.revision = 0
        self._invalidate(config.integration_id)
        self._refresh_enabled(config.integration_id)
        send_safely(config_deleted, self, config=config)

    def _note_write(self, generation: int) -> None:
        # Only our own write happened since we last looked: the caches, which
        # that write updates, stay valid. A bigger jump means another process
        # wrote too, and check_expired() will notice.
        if generation == self._generation + 1:
            self._generation = generation

    def _invalidate(self, integration_id: str) -> None:
        for key in [k for k in self._results if k[0] in (integration_id, None)]:  # type: ignore[index]
            del self._results[key]
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
        self._configs.pop(integration_id, None)
        self._singles = {
            i: c for i, c in self._singles.items() if c.integration_id != integration_id
        }
        self._all_loaded = False
        self._invalidate(integration_id)

    @_locked
    def clear_all_configs_cache(self) -> None:
        """Forget every cached configuration."""
        self._forget_configs()
        self._generation = self.store.generation()

    def _forget_configs(self) -> None:
        self._configs.clear()
        self._singles.clear()
        self._results.clear()
        self._all_loaded = False
        for integration in self._integrations.values():
            integration.forget_configs()

    def is_expired(self) -> bool:
        """Return whether another process changed configurations since cached."""
        return self.store.generation() != self._generation

    @_locked
    def check_expired(self) -> bool:
        """Reload from the database if another process changed configurations.

        Returns:
            Whether the caches were stale and have been cleared.
        """
        if not self.is_expired():
            return False
        self.clear_all_configs_cache()
        enabled_ids = self.store.enabled_integration_ids()
        for integration_id in list(self._integrations):
            self._refresh_enabled(integration_id, enabled_ids)
        for declared in self.get_declared_integrations():
            if declared.id in enabled_ids:  # another program enabled one of its configurations
                self.load_integration(declared.id)
        return True

    def _on_store_change(self, change: StoreChange) -> None:
        """Follow a change another process made (called on the store's own thread)."""
        if change.generation is not None and change.generation <= self._generation:
            return  # our own write: decided without waiting for the lock a save holds
        with self.lock:
            if change.generation is not None and change.generation <= self._generation:
                return  # our own write, or one already read
            try:
                if change.generation is None:
                    self._generation = -1  # changes may have been missed: read everything
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
