"""The configurations and extension state of :class:`PostgresStore`.

Revisions are enforced by the database: an update names the revision it was
loaded at (``UPDATE … WHERE revision = …``), so of two desktops saving the same
configuration one wins and the other gets :class:`ConfigConflictError`.
"""

from __future__ import annotations

import json
import uuid
from abc import abstractmethod
from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.errors import ConfigConflictError, StoreError
from desktop_integrations.storage.base import SharedReads
from desktop_integrations.storage.pg_connect import Connection
from desktop_integrations.storage.settings_codec import SettingsCodec, is_secret

if TYPE_CHECKING:
    from desktop_integrations.manager import IntegrationManager

_CONFIG_COLUMNS = (
    "id, integration_id, name, enabled, settings, extra_data, settings_version, revision,"
    " time_added, last_updated, uid"
)
_GENERATION = "SELECT value FROM meta WHERE key = 'generation'"
_FIX_SEQUENCE = (
    "SELECT setval(pg_get_serial_sequence('configs', 'id'),"
    " GREATEST((SELECT max(id) FROM configs), 1))"
)


def _now_after(previous: datetime | None) -> datetime:
    now = datetime.now(UTC)
    if previous is not None and now <= previous:
        now = previous + timedelta(microseconds=1)
    return now


class PostgresData(SharedReads):
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
            rows = self.query(f"SELECT {_CONFIG_COLUMNS} FROM configs ORDER BY id")
        else:
            rows = self.query(
                f"SELECT {_CONFIG_COLUMNS} FROM configs WHERE integration_id = ? ORDER BY id",
                (integration_id,),
            )
        return [self._config_from_row(manager, row) for row in rows]

    def load_config(self, manager: IntegrationManager, config_id: int) -> IntegrationConfig | None:
        """Load one configuration by its database ID; None if there is none."""
        rows = self.query(f"SELECT {_CONFIG_COLUMNS} FROM configs WHERE id = ?", (config_id,))
        return self._config_from_row(manager, rows[0]) if rows else None

    def _config_from_row(self, manager: IntegrationManager, row: Any) -> IntegrationConfig:
        config = IntegrationConfig(
            manager, row["integration_id"], row["name"], bool(row["enabled"])
        )
        config.id = row["id"]
        config.uid = row["uid"]
        config.revision = row["revision"]
        config.settings_version = row["settings_version"]
        config.time_added = row["time_added"].astimezone(UTC)
        config.last_updated = row["last_updated"].astimezone(UTC)
        config.set_stored_settings(row["settings"], self.codec.decode)
        try:
            config.extra_data = json.loads(row["extra_data"])
        except ValueError:
            config.extra_data = {}
            config.problems.append("The stored extra data could not be read.")
        return config

    def enabled_integration_ids(self) -> set[str]:
        """Return the IDs of integrations with at least one enabled configuration."""
        rows = self.query("SELECT DISTINCT integration_id FROM configs WHERE enabled = 1")
        return {row[0] for row in rows}

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
        try:
            extra_data = json.dumps(config.extra_data, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise StoreError(
                f"The extra data of {config.name!r} is not JSON-compatible: {e}"
            ) from e
        now = _now_after(config.last_updated)
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
                    raise self._conflict(conn, config)
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
            generation = conn.execute(_GENERATION).fetchone()[0]
        config.id, config.revision = row["id"], row["revision"]
        config.time_added, config.last_updated = time_added, now
        config.secret_keys = set(secret_keys) | {
            key for key, value in config.settings.items() if is_secret(value)
        }
        return int(generation)

    def _conflict(self, conn: Connection, config: IntegrationConfig) -> ConfigConflictError:
        exists = conn.execute("SELECT 1 FROM configs WHERE id = ?", (config.id,)).fetchone()
        change = "changed" if exists else "deleted"
        return ConfigConflictError(
            f"The configuration {config.name!r} was {change} by another window or process "
            f"since it was loaded. Reload it, or save again to overwrite."
        )

    def delete_config(self, config: IntegrationConfig, *, force: bool = False) -> int:
        """Delete a configuration; return the configuration generation after it.

        Raises:
            ConfigConflictError: It changed in the database since it was loaded
                (unless ``force``).
        """
        with self.transaction(f"delete the configuration {config.name!r}") as conn:
            deleted = conn.execute(
                "DELETE FROM configs WHERE id = ? AND (revision = ? OR ?) RETURNING id",
                (config.id, config.revision, force),
            ).fetchone()
            if deleted is None and not force:
                exists = conn.execute("SELECT 1 FROM configs WHERE id = ?", (config.id,))
                if exists.fetchone() is not None:
                    raise ConfigConflictError(
                        f"The configuration {config.name!r} was changed by another window "
                        f"or process since it was loaded. Reload it, or delete it anyway."
                    )
            generation = conn.execute(_GENERATION).fetchone()[0]
        return int(generation)

    # Extensions ------------------------------------------------------------------

    def extension_enabled(self, extension_id: str) -> bool | None:
        """Return whether the user enabled an extension, or None if never set."""
        rows = self.query("SELECT enabled FROM extensions WHERE extension_id = ?", (extension_id,))
        return bool(rows[0][0]) if rows else None

    def set_extension_enabled(self, extension_id: str, enabled: bool) -> None:
        """Remember whether an extension is enabled."""
        with self.transaction(f"save the state of extension {extension_id!r}") as conn:
            conn.execute(
                "INSERT INTO extensions (extension_id, enabled) VALUES (?, ?)"
                " ON CONFLICT (extension_id) DO UPDATE SET enabled = excluded.enabled",
                (extension_id, int(enabled)),
            )
