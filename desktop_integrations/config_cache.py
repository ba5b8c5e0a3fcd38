"""ConfigCache: the configurations a manager has read, and the lists it answered."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any

from desktop_integrations.config import ConfigList, IntegrationConfig

if TYPE_CHECKING:
    from desktop_integrations.manager import IntegrationManager

_CONFIG_ATTRIBUTES = frozenset({"id", "integration_id", "name", "enabled", "revision"})


def _matches(config: IntegrationConfig, filters: dict[str, Any]) -> bool:
    for key, value in filters.items():
        if key.startswith("settings__"):
            if config.get(key.removeprefix("settings__")) != value:
                return False
        elif getattr(config, key) != value:
            return False
    return True


class ConfigCache:
    """Configurations read from the store, per integration, and filtered lists of them.

    One object stands for one stored configuration for as long as it is
    cached: a configuration read alone (:meth:`get`) is the same object when
    its integration's configurations are read later.

    Args:
        manager: The manager the configurations belong to.
        prepare: Called once on each configuration read from the store,
            before it is handed out (it migrates the settings).

    Attributes:
        generation: The store's generation the cached data reflects.
    """

    def __init__(
        self, manager: IntegrationManager, prepare: Callable[[IntegrationConfig], None]
    ) -> None:
        self._manager = manager
        self._store = manager.store
        self._prepare = prepare
        self._configs: dict[str, dict[int, IntegrationConfig]] = {}
        self._all_loaded = False
        self._results: dict[Hashable, ConfigList] = {}
        # Read one by one (get) while their integration's were not loaded.
        self._singles: dict[int, IntegrationConfig] = {}
        self.generation = self._store.generation()

    def query(self, integration_id: str | None, filters: dict[str, Any]) -> ConfigList:
        """Return the configurations of one integration (None: of all) that match ``filters``.

        Raises:
            TypeError: A filter names neither an attribute nor ``settings__<key>``.
        """
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

    def get(self, config_id: int) -> IntegrationConfig | None:
        """Return the configuration with this database ID, reading only it if need be."""
        for bucket in self._configs.values():
            config = bucket.get(config_id)
            if config is not None:
                return config
        config = self._singles.get(config_id)
        if config is None:
            config = self._store.load_config(self._manager, config_id)
            if config is None:
                return None
            self._prepare(config)
            self._singles[config_id] = config
        return config

    def _load(self, integration_id: str | None) -> Iterable[IntegrationConfig]:
        if integration_id is not None:
            bucket = self._configs.get(integration_id)
            if bucket is None:
                configs = self._store.load_configs(self._manager, integration_id)
                bucket = self._configs[integration_id] = {}
                for config in configs:
                    if config.id:
                        bucket[config.id] = self._adopt(config)
            return bucket.values()
        if not self._all_loaded:
            for config in self._store.load_configs(self._manager):
                bucket = self._configs.setdefault(config.integration_id, {})
                if config.id not in bucket and config.id is not None:
                    bucket[config.id] = self._adopt(config)
            self._all_loaded = True
        return sorted(
            (c for bucket in self._configs.values() for c in bucket.values()),
            key=lambda c: c.id or 0,
        )

    def _adopt(self, config: IntegrationConfig) -> IntegrationConfig:
        """Return the object already handed out by get(), else ``config`` prepared."""
        single = self._singles.pop(config.id, None) if config.id is not None else None
        if single is not None:
            return single
        self._prepare(config)
        return config

    def put(self, config: IntegrationConfig) -> None:
        """Keep a configuration just saved, if its integration's are cached."""
        assert config.id is not None
        bucket = self._configs.get(config.integration_id)
        if bucket is None and self._all_loaded:
            bucket = self._configs[config.integration_id] = {}
        if bucket is not None:
            bucket[config.id] = config

    def drop(self, config: IntegrationConfig) -> None:
        """Forget a configuration just deleted."""
        assert config.id is not None
        self._configs.get(config.integration_id, {}).pop(config.id, None)
        self._singles.pop(config.id, None)

    def note_write(self, generation: int) -> None:
        """Follow the store's generation after a write made through this cache's manager."""
        # Only our own write happened since we last looked: the caches, which
        # that write updates, stay valid. A bigger jump means another process
        # wrote too, and check_expired() will notice.
        if generation == self.generation + 1:
            self.generation = generation

    def is_expired(self) -> bool:
        """Return whether the store changed in a way this cache has not followed."""
        return self._store.generation() != self.generation

    def invalidate(self, integration_id: str) -> None:
        """Forget the lists answered for one integration and for all."""
        for key in [k for k in self._results if k[0] in (integration_id, None)]:  # type: ignore[index]
            del self._results[key]

    def forget(self, integration_id: str) -> None:
        """Forget one integration's configurations (the lists need :meth:`invalidate`)."""
        self._configs.pop(integration_id, None)
        self._singles = {
            i: c for i, c in self._singles.items() if c.integration_id != integration_id
        }
        self._all_loaded = False

    def clear(self) -> None:
        """Forget every configuration and list."""
        self._configs.clear()
        self._singles.clear()
        self._results.clear()
        self._all_loaded = False
