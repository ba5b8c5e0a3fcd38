"""ConfigStore: the local SQLite database of configurations."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_integrations import paths
from desktop_integrations.errors import StoreError
from desktop_integrations.storage.base import PolledChanges
from desktop_integrations.storage.outbox import OutboxTables
from desktop_integrations.storage.secret_sealing import seal_earlier_builtins
from desktop_integrations.storage.secrets import FernetBox, SecretBox
from desktop_integrations.storage.settings_codec import SettingsCodec
from desktop_integrations.storage.sqlite_open import SqliteOpening, describe_error
from desktop_integrations.storage.statements import SharedStatements

__all__ = ["ConfigStore", "describe_error"]

if TYPE_CHECKING:
    from desktop_integrations.config import IntegrationConfig


class ConfigStore(SqliteOpening, OutboxTables, SharedStatements, PolledChanges):
    """The SQLite database holding configurations and application state.

    It keeps the :class:`~desktop_integrations.storage.base.Store` interface.
    It is not live: other processes' changes are seen by polling
    :meth:`generation` (``IntegrationManager.check_expired()``).

    The database runs in WAL mode with full synchronous commits, so a save is
    durable when it returns. Each write is one transaction. A database that is
    not SQLite or fails its integrity check is moved aside (never deleted) and
    a fresh one opened; :attr:`recovered_from` is then the moved file's path.
    A database in a folder that cannot be written opens read-only
    (:attr:`read_only`): it is listed, and every change fails with a message.
    What the user should know about the opening is in :attr:`warnings`.
    The outbox and delivery-log methods come from
    :class:`~desktop_integrations.storage.outbox.OutboxTables`.

    Args:
        path: The database file; by default ``integrations.sqlite3`` in the
            data folder (see :func:`desktop_integrations.paths.data_dir`).
        secrets: Encrypts secret settings; by default a :class:`FernetBox`.

    Raises:
        SchemaTooNewError: The database was written by a newer version.
        StoreError: The database cannot be opened.
    """

    def __init__(self, path: str | Path | None = None, *, secrets: SecretBox | None = None) -> None:
        self.path = Path(path) if path is not None else paths.database_path()
        self.location = str(self.path)
        self.secrets: SecretBox = secrets or FernetBox()
        self.codec = SettingsCodec(self.secrets)
        self.recovered_from: Path | None = None
        self.read_only = False
        #: One-line messages about the opening, such as a damaged write-ahead log.
        self.warnings: list[str] = []
        self._lock = threading.RLock()
        self._conn = self._open()
        if not self.read_only:
            seal_earlier_builtins(self)

    # Transactions ----------------------------------------------------------

    @contextmanager
    def transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        """Run a block of writes as one transaction.

        Inside another transaction of this store, the block is a savepoint: it
        is undone on error, and committed only with the outer transaction.

        Args:
            action: What the block does, for the error message ("save X").

        Raises:
            StoreError: The database could not be written; nothing was changed.
        """
        if self.read_only:
            raise StoreError(
                f"Could not {action}: {self.path} is open read-only, because its folder "
                f"cannot be written. Make {self.path.parent} writable and start again."
            )
        with self._lock:
            conn = self._conn
            nested = conn.in_transaction
            begin, commit = (
                ("SAVEPOINT nested", "RELEASE nested") if nested else ("BEGIN IMMEDIATE", "COMMIT")
            )
            try:
                conn.execute(begin)
                try:
                    yield conn
                    conn.execute(commit)
                except BaseException:
                    # SQLite may already have rolled back (a full disk does).
                    if nested and conn.in_transaction:
                        conn.execute("ROLLBACK TO nested")
                        conn.execute("RELEASE nested")
                    elif conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as e:
                raise StoreError(f"Could not {action}: {describe_error(e)} ({self.path}).") from e

    def query(
        self, sql: str, params: tuple[Any, ...] | Mapping[str, Any] = ()
    ) -> list[sqlite3.Row]:
        """Run a read query and return its rows."""
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as e:
                raise StoreError(f"Could not read {self.path}: {describe_error(e)}") from e

    def generation(self) -> int:
        """A counter that changes whenever any process changes a configuration."""
        rows = self.query("SELECT value FROM meta WHERE key = 'generation'")
        return int(rows[0][0])

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()

    # Configurations -----------------------------------------------------------

    def config_summaries(self) -> list[tuple[int, str, str, int]]:
        """Return ``(id, integration_id, name, enabled)`` of every configuration, oldest first.

        One query and no :class:`IntegrationConfig` per row, so a list of
        many thousands can be shown at once; ``enabled`` is 1 or 0.
        """
        with self._lock:
            try:
                cursor = self._conn.cursor()
                cursor.row_factory = None
                cursor.execute("SELECT id, integration_id, name, enabled FROM configs ORDER BY id")
                return cursor.fetchall()
            except sqlite3.Error as e:
                raise StoreError(f"Could not read {self.path}: {describe_error(e)}") from e

    @staticmethod
    def read_time(config: IntegrationConfig, row: Any, column: str) -> datetime | None:
        """Return a time column (ISO 8601 text), noting an unreadable one in ``problems``."""
        try:
            return datetime.fromisoformat(row[column])
        except (TypeError, ValueError):
            what = "time it was added" if column == "time_added" else "time of its last change"
            config.problems.append(f"The stored {what} ({row[column]!r}) could not be read.")
            return None

    @staticmethod
    def stored_time(value: datetime) -> str:
        """Return a time as the ``configs`` table keeps it: ISO 8601 text."""
        return value.isoformat()
