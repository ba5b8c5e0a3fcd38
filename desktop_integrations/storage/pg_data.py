"""The configurations and extension state of :class:`PostgresStore`.

Revisions are enforced by the database: an update names the revision it was
loaded at (``UPDATE … WHERE revision = …``), so of two desktops saving the same
configuration one wins and the other gets :class:`ConfigConflictError`.
"""

from __future__ import annotations

import uuid
from abc import abstractmethod
from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.storage.pg_connect import Connection
from desktop_integrations.storage.rows import (
    CONFIG_COLUMNS,
    GENERATION,
    config_from_row,
    conflict_error,
    extra_data_json,
    now_after,
    record_save,
)
from desktop_integrations.storage.settings_codec import SettingsCodec
from desktop_integrations.storage.statements import SharedStatements

if TYPE_CHECKING:
    from desktop_integrations.manager import IntegrationManager

_FIX_SEQUENCE = (
    "SELECT setval(pg_get_serial_sequence('configs', 'id'),"
    " GREATEST((SELECT max(id) FROM configs), 1))"
)


def _read_time(config: IntegrationConfig, row: Any, column: str) -> datetime:
    """Return a ``timestamptz`` column in UTC (PostgreSQL always has a valid one)."""
    value: datetime = row[column]
    return value.astimezone(UTC)


class PostgresData(SharedStatements):
    """Reads and writes configurations and extension state through the store's connections."""

    codec: SettingsCodec

    @abstractmethod
    def transaction(self, action: str) -> AbstractContextManager[Connection]:
        """Run a block of writes as one transaction."""

    @abstractmethod
    def query(self, sql: str, params: tuple[Any, ...] | Mapping[str, Any] = ()) -> list[Any]:
        """Run a read query and return its rows."""

    # Configurations -----------------------------------------------------------

    def load_configs(
        self, manager: IntegrationManager, integration_id: str | None = None
    ) -> list[IntegrationConfig]:
        """Load configurations, of one integration or of all, oldest first."""
        if integration_id is None:
            rows = self.query(f"SELECT {CONFIG_COLUMNS} FROM configs ORDER BY id")
        else:
            rows = self.query(
                f"SELECT {CONFIG_COLUMNS} FROM configs WHERE integration_id = ? ORDER BY id",
                (integration_id,),
            )
        return [self._config_from_row(manager, row) for row in rows]

    def load_config(self, manager: IntegrationManager, config_id: int) -> IntegrationConfig | None:
        """Load one configuration by its database ID; None if there is none."""
        rows = self.query(f"SELECT {CONFIG_COLUMNS} FROM configs WHERE id = ?", (config_id,))
        return self._config_from_row(manager, rows[0]) if rows else None

    def _config_from_row(self, manager: IntegrationManager, row: Any) -> IntegrationConfig:
        return config_from_row(manager, row, self.codec.decode, _read_time)

    def save_config(
        self,
        config: IntegrationConfig,
        secret_keys: frozenset[str] | set[str],
        *,
        force: bool = False,
    ) -> int:
        """Insert or update a configuration; update it only once committed.

        Returns:
            The configuration generation after the save.

        Raises:
            ConfigConflictError: It changed in the database since it was loaded
                (unless ``force``).
            StoreError: The database could not be written.
        """
        settings = self.codec.encode(config.settings, secret_keys, config.sealed)
        extra_data = extra_data_json(config)
        now = now_after(config.last_updated)
        values = (config.name, int(config.enabled), settings, extra_data, config.settings_version)
        time_added = config.time_added or now
        with self.transaction(f"save the configuration {config.name!r}") as conn:
            row = None
            if config.id is not None:
                row = conn.execute(
                    "UPDATE configs SET name = ?, enabled = ?, settings = ?, extra_data = ?,"
                    " settings_version = ?, revision = revision + 1, last_updated = ?"
                    " WHERE id = ? AND (revision = ? OR ?) RETURNING id, revision",
                    (*values, now, config.id, config.revision, force),
                ).fetchone()
                if row is None and not force:
                    raise conflict_error(conn, config)
            if row is None:
                row = conn.execute(
                    "INSERT INTO configs (id, integration_id, name, enabled, settings, extra_data,"
                    " settings_version, revision, time_added, last_updated, uid)"
                    " VALUES (COALESCE(?, nextval(pg_get_serial_sequence('configs', 'id'))),"
                    " ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id, revision, uid",
                    (
                        config.id,
                        config.integration_id,
                        *values,
                        time_added,
                        now,
                        config.uid or uuid.uuid4().hex,
                    ),
                ).fetchone()
                config.uid = row["uid"]
                if config.id is not None:
                    conn.execute(_FIX_SEQUENCE)
            generation = conn.execute(GENERATION).fetchone()[0]
        record_save(config, row, secret_keys, time_added, now)
        return int(generation)
