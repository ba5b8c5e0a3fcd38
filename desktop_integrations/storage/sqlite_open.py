"""Opening the SQLite database: permissions, damage checks, recovery, migrations.

A database that is not SQLite or fails its integrity check is moved aside
(never deleted); one in a folder that cannot be written opens read-only.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from desktop_integrations.errors import SchemaTooNewError, StoreError
from desktop_integrations.storage.health import WalCheck, check_path, missing_tables
from desktop_integrations.storage.private_files import make_private, restrict_folder
from desktop_integrations.storage.schema import MIGRATIONS, SCHEMA_VERSION

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


def describe_error(error: sqlite3.Error) -> str:
    """Return a plain-language reason for an SQLite error."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    return _REASONS.get(primary, str(error)) if primary is not None else str(error)


class SqliteOpening:
    """Opens, checks, recovers and migrates the database of a :class:`ConfigStore`."""

    path: Path
    recovered_from: Path | None
    read_only: bool
    warnings: list[str]

    def _connect(self, query: str = "") -> sqlite3.Connection:
        if not query:
            make_private(self.path)
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
        problem = restrict_folder(self.path.parent)
        if problem is not None:
            self.warnings.append(problem)
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
        # A changed row leaves no copy of its old values (a secret) in its page.
        conn.execute("PRAGMA secure_delete = FAST")
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
