"""Statements both backends run with the same SQL (``?`` placeholders on both)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from desktop_integrations.storage.rows import (
    CONFIG_COLUMNS,
    GENERATION,
    config_from_row,
    conflict_error,
    extra_data_json,
    now_after,
    record_save,
)

if TYPE_CHECKING:
    from desktop_integrations.config import IntegrationConfig
    from desktop_integrations.manager import IntegrationManager
    from desktop_integrations.storage.base import Connection
    from desktop_integrations.storage.settings_codec import SettingsCodec


class SharedStatements:
    """Reads and writes that both backends answer with the same SQL.

    A backend provides :attr:`codec`, :meth:`query`, :meth:`transaction`,
    and how its ``configs`` table keeps times (:meth:`read_time`,
    :meth:`stored_time`) and new IDs (:attr:`new_config_id`,
    :attr:`after_kept_id`).

    Attributes:
        codec: Encodes settings for the database and back.
        new_config_id: The SQL value of a new configuration's ``id`` column,
            given the ID it keeps (an import) or NULL.
        after_kept_id: A statement to run after a configuration is inserted
            under a kept ID, or None.
    """

    codec: SettingsCodec
    new_config_id = "?"
    after_kept_id: str | None = None

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:  # noqa: D102
        raise NotImplementedError

    def transaction(self, action: str) -> AbstractContextManager[Connection]:  # noqa: D102
        raise NotImplementedError

    @staticmethod
    def read_time(config: IntegrationConfig, row: Any, column: str) -> datetime | None:  # noqa: D102
        raise NotImplementedError

    @staticmethod
    def stored_time(value: datetime) -> Any:  # noqa: D102
        raise NotImplementedError

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
        return config_from_row(manager, row, self.codec.decode, self.read_time)

    def save_config(
        self,
        config: IntegrationConfig,
        secret_keys: frozenset[str] | set[str],
        *,
        force: bool = False,
    ) -> int:
        """Insert or update a configuration; update it only once committed.

        The update names the revision the configuration was loaded at, so of
        two windows or desktops saving it one wins and the other gets
        :class:`ConfigConflictError`.

        Returns:
            The configuration generation after the save.

        Raises:
            ConfigConflictError: It changed in the database since it was loaded
                (unless ``force``).
            StoreError: The database could not be written.
        """
        import uuid  # imported here: opening the app's window does not save

        settings = self.codec.encode(config.settings, secret_keys, config.sealed)
        extra_data = extra_data_json(config)
        now = now_after(config.last_updated)
        stamp = self.stored_time(now)
        values = (config.name, int(config.enabled), settings, extra_data, config.settings_version)
        time_added = config.time_added or now
        with self.transaction(f"save the configuration {config.name!r}") as conn:
            row = None
            if config.id is not None:
                row = conn.execute(
                    "UPDATE configs SET name = ?, enabled = ?, settings = ?, extra_data = ?,"
                    " settings_version = ?, revision = revision + 1, last_updated = ?"
                    " WHERE id = ? AND (revision = ? OR ?) RETURNING id, revision",
                    (*values, stamp, config.id, config.revision, force),
                ).fetchone()
                if row is None and not force:
                    raise conflict_error(conn, config)
            if row is None:
                row = conn.execute(
                    "INSERT INTO configs (id, integration_id, name, enabled, settings, extra_data,"
                    " settings_version, revision, time_added, last_updated, uid)"
                    f" VALUES ({self.new_config_id}, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)"
                    " RETURNING id, revision, uid",
                    (
                        config.id,
                        config.integration_id,
                        *values,
                        self.stored_time(time_added),
                        stamp,
                        config.uid or uuid.uuid4().hex,
                    ),
                ).fetchone()
                config.uid = row["uid"]
                if config.id is not None and self.after_kept_id is not None:
                    conn.execute(self.after_kept_id)
            generation = conn.execute(GENERATION).fetchone()[0]
        record_save(config, row, secret_keys, time_added, now)
        return int(generation)

    def has_enabled_config(self, integration_id: str) -> bool:
        """Return whether an integration has at least one enabled configuration."""
        return bool(
            self.query(
                "SELECT 1 FROM configs WHERE integration_id = ? AND enabled = 1 LIMIT 1",
                (integration_id,),
            )
        )

    def enabled_integration_ids(self) -> set[str]:
        """Return the IDs of integrations with at least one enabled configuration."""
        rows = self.query("SELECT DISTINCT integration_id FROM configs WHERE enabled = 1")
        return {row[0] for row in rows}

    def delete_config(self, config: IntegrationConfig, *, force: bool = False) -> int:
        """Delete a configuration; return the configuration generation after it.

        Raises:
            ConfigConflictError: It changed in the database since it was loaded
                (unless ``force``), so deleting it would discard that change.
            StoreError: The database could not be written.
        """
        with self.transaction(f"delete the configuration {config.name!r}") as conn:
            deleted = conn.execute(
                "DELETE FROM configs WHERE id = ? AND (revision = ? OR ?) RETURNING id",
                (config.id, config.revision, force),
            ).fetchone()
            if deleted is None and not force:
                exists = conn.execute("SELECT 1 FROM configs WHERE id = ?", (config.id,))
                if exists.fetchone() is not None:
                    raise conflict_error(conn, config, "delete it anyway")
            generation = conn.execute(GENERATION).fetchone()[0]
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

    def extension_states(self) -> dict[str, bool]:
        """Return every remembered extension state, by extension ID."""
        rows = self.query("SELECT extension_id, enabled FROM extensions ORDER BY extension_id")
        return {row[0]: bool(row[1]) for row in rows}
