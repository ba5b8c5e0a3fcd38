"""ConfigStore: the local SQLite database of configurations."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_integrations import paths
from desktop_integrations.config import IntegrationConfig
from desktop_integrations.errors import (
    ConfigConflictError,
    SchemaTooNewError,
    StoreError,
)
from desktop_integrations.storage.base import PolledChanges, SharedReads
from desktop_integrations.storage.health import WalCheck, check_path, missing_tables
from desktop_integrations.storage.outbox import OutboxTables
from desktop_integrations.storage.schema import MIGRATIONS, SCHEMA_VERSION
from desktop_integrations.storage.secrets import FernetBox, SecretBox
from desktop_integrations.storage.settings_codec import SettingsCodec, is_secret

if TYPE_CHECKING:
    from desktop_integrations.manager import IntegrationManager

logger = logging.getLogger(__name__)

_CORRUPTION_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
#: Primary result codes after which the database is opened read-only, if it can be.
_READ_ONLY_CODES = {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM}
_REASONS = {
    sqlite3.SQLITE_READONLY: "the database is read-only",
    sqlite3.SQLITE_FULL: "the disk or the database is full",
    sqlite3.SQLITE_BUSY: "the database is locked by another program",
    sqlite3.SQLITE_CANTOPEN: "the database file cannot be opened",
    sqlite3.SQLITE_IOERR: "the disk could not be read or written",
    sqlite3.SQLITE_PERM: "permission was denied",
}
_CONFIG_COLUMNS = (
    "id, integration_id, name, enabled, settings, extra_data, settings_version, revision,"
    " time_added, last_updated, uid"
)


def _make_private(path: Path) -> None:
    """Create the database file readable only by the user; restrict it, -wal and -shm.

    SQLite gives the -wal and -shm files the database file's mode.
    """
    try:
        if not path.exists():
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if file.exists() and file.stat().st_mode & 0o077:
                file.chmod(0o600)
    except OSError as e:
        # A read-only or foreign file still opens; saving reports the problem.
        logger.warning("Cannot restrict the database's permissions: %s", e.strerror or e)


def describe_error(error: sqlite3.Error) -> str:
    """Return a plain-language reason for an SQLite error."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    return _REASONS.get(primary, str(error)) if primary is not None else str(error)


def _now_after(previous: datetime | None) -> datetime:
    now = datetime.now(UTC)
    if previous is not None and now <= previous:
        now = previous + timedelta(microseconds=1)
    return now


class ConfigStore(OutboxTables, SharedReads, PolledChanges):
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

    # Opening and migrating ------------------------------------------------

    def _connect(self, query: str = "") -> sqlite3.Connection:
        if not query:
            _make_private(self.path)
        target: str | Path = f"{self.path.absolute().as_uri()}?{query}" if query else self.path
        conn = sqlite3.connect(
            target, isolation_level=None, check_same_thread=False, timeout=10, uri=bool(query)
        )
        conn.row_factory = sqlite3.Row
        return conn

    def _open(self) -> sqlite3.Connection:
        check_path(self.path)
        try:
            # The settings are the user's alone, as their secrets' key file is.
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as e:
            raise StoreError(f"Cannot create the data folder {self.path.parent}: {e}") from e
        wal = WalCheck(self.path)
        conn = self._connect()
        try:
            warning = wal.finish(conn)
            if warning is not None:
                logger.error("%s: %s", self.path, warning)
                self.warnings.append(warning)
            version = self._check(conn)
        except sqlite3.DatabaseError as e:
            conn.close()
            code = getattr(e, "sqlite_errorcode", None)
            if isinstance(code, int) and code & 0xFF in _READ_ONLY_CODES and self.path.is_file():
                conn, version = self._open_read_only(e)
            elif code not in _CORRUPTION_CODES:
                raise StoreError(f"Cannot open {self.path}: {describe_error(e)}") from e
            else:
                self.recovered_from = self._move_aside(str(e))
                conn = self._connect()
                version = self._check(conn)
        finally:
            wal.discard()
        if version > SCHEMA_VERSION:
            conn.close()
            raise SchemaTooNewError(
                f"{self.path} was written by a newer version of desktop-integrations "
                f"(schema {version}; this version reads up to {SCHEMA_VERSION}). "
                f"It was left untouched: update the application to open it."
            )
        if self.read_only and version < SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"{self.path} must be upgraded for this version, but its folder cannot be "
                f"written; make {self.path.parent} writable and start again."
            )
        missing = missing_tables(conn, version)
        if missing:
            conn.close()
            raise StoreError(
                f"{self.path} lacks the table{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} although its schema version says otherwise; it was "
                f"left untouched: restore it from a backup, or move it aside to start anew."
            )
        if not self.read_only:
            self._configure(conn)
            self._migrate(conn, version)
        return conn

    def _open_read_only(self, error: sqlite3.Error) -> tuple[sqlite3.Connection, int]:
        """Open the database read-only, after it could not be opened for writing.

        Without its ``-shm`` file, a WAL database in a folder that cannot be
        written opens only as immutable: nothing else can change it either.
        """
        for query in ("mode=ro", "mode=ro&immutable=1"):
            conn = self._connect(query)
            try:
                version = self._check(conn)
            except sqlite3.Error:
                conn.close()
                continue
            self.read_only = True
            self.warnings.append(
                f"The data folder {self.path.parent} cannot be written: the configurations "
                f"are shown read-only, and changes cannot be saved until it is writable."
            )
            logger.warning("%s", self.warnings[-1])
            return conn, version
        raise StoreError(f"Cannot open {self.path}: {describe_error(error)}") from error

    def _check(self, conn: sqlite3.Connection) -> int:
        """Return the schema version; raise DatabaseError if the file is damaged."""
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            error = sqlite3.DatabaseError(f"integrity check failed: {result}")
            error.sqlite_errorcode = sqlite3.SQLITE_CORRUPT
            raise error
        return version

    def _configure(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as e:
            # A read-only database still opens; saves then fail with a reason.
            logger.warning("Cannot switch %s to WAL mode: %s", self.path, describe_error(e))
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")

    def _move_aside(self, reason: str) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        counter = 1
        while target.exists():
            counter += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{counter}")
        self.path.rename(target)
        for suffix in ("-wal", "-shm"):
            sibling = self.path.with_name(self.path.name + suffix)
            if sibling.exists():
                sibling.rename(target.with_name(target.name + suffix))
        logger.error("%s was unreadable (%s); moved it to %s", self.path, reason, target)
        return target

    def _migrate(self, conn: sqlite3.Connection, version: int) -> None:
        for number in range(version + 1, SCHEMA_VERSION + 1):
            script = MIGRATIONS[number - 1]
            try:
                conn.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
                )
            except sqlite3.Error as e:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise StoreError(
                    f"Cannot upgrade {self.path} to schema {number}: {describe_error(e)}"
                ) from e

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

    def _config_from_row(self, manager: IntegrationManager, row: sqlite3.Row) -> IntegrationConfig:
        config = IntegrationConfig(
            manager, row["integration_id"], row["name"], bool(row["enabled"])
        )
        config.id = row["id"]
        config.uid = row["uid"]
        config.revision = row["revision"]
        config.settings_version = row["settings_version"]
        config.set_stored_settings(row["settings"], self.codec.decode)
        config.time_added = self._time(config, row, "time_added")
        config.last_updated = self._time(config, row, "last_updated")
        try:
            config.extra_data = json.loads(row["extra_data"])
        except ValueError:
            config.extra_data = {}
            config.problems.append("The stored extra data could not be read.")
        return config

    @staticmethod
    def _time(config: IntegrationConfig, row: sqlite3.Row, column: str) -> datetime | None:
        try:
            return datetime.fromisoformat(row[column])
        except (TypeError, ValueError):
            what = "time it was added" if column == "time_added" else "time of its last change"
            config.problems.append(f"The stored {what} ({row[column]!r}) could not be read.")
            return None

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
        stamp = now.isoformat()
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
                    raise self._conflict(conn, config)
            if row is None:
                row = conn.execute(
                    "INSERT INTO configs (id, integration_id, name, enabled, settings, extra_data,"
                    " settings_version, revision, time_added, last_updated, uid)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)"
                    " RETURNING id, revision, uid",
                    (
                        config.id,
                        config.integration_id,
                        *values,
                        time_added.isoformat(),
                        stamp,
                        config.uid or uuid.uuid4().hex,
                    ),
                ).fetchone()
                config.uid = row["uid"]
            generation = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[
                0
            ]
        config.id, config.revision = row["id"], row["revision"]
        config.time_added, config.last_updated = time_added, now
        config.secret_keys = set(secret_keys) | {
            key for key, value in config.settings.items() if is_secret(value)
        }
        return int(generation)

    def _conflict(
        self,
        conn: sqlite3.Connection,
        config: IntegrationConfig,
        retry: str = "save again to overwrite",
    ) -> ConfigConflictError:
        exists = conn.execute("SELECT 1 FROM configs WHERE id = ?", (config.id,)).fetchone()
        change = "changed" if exists else "deleted"
        return ConfigConflictError(
            f"The configuration {config.name!r} was {change} by another window or process "
            f"since it was loaded. Reload it, or {retry}."
        )

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
                    raise self._conflict(conn, config, "delete it anyway")
            generation = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[
                0
            ]
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
