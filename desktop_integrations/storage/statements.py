"""Statements both backends run with the same SQL (``?`` placeholders on both)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from desktop_integrations.storage.rows import GENERATION, conflict_error

if TYPE_CHECKING:
    from desktop_integrations.config import IntegrationConfig
    from desktop_integrations.storage.base import Connection


class SharedStatements:
    """Reads and writes that both backends answer with the same SQL.

    A backend provides :meth:`query` and :meth:`transaction`.
    """

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:  # noqa: D102
        raise NotImplementedError

    def transaction(self, action: str) -> AbstractContextManager[Connection]:  # noqa: D102
        raise NotImplementedError

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
