"""Checks made while the SQLite database opens, each ending in a message, never a traceback.

- :func:`check_path`: the database path is a folder, a symbolic link that
  loops, or one whose target does not exist.
- :func:`missing_tables`: the schema version says a table exists, but it does not.
- :class:`WalCheck`: a write-ahead log left by a process that did not close
  cleanly holds committed transactions that SQLite cannot read (a damaged
  frame); a byte-identical copy is kept aside before SQLite checkpoints the
  log away.

Nothing here deletes or changes the user's files.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import struct
from datetime import UTC, datetime
from pathlib import Path

from desktop_integrations.errors import StoreError
from desktop_integrations.storage.schema import MIGRATIONS

_WAL_HEADER = 32
_FRAME_HEADER = 24


def check_path(path: Path) -> None:
    """Refuse a database path that cannot be a database file.

    Raises:
        StoreError: It is a folder, or a symbolic link that loops or points
            at nothing; the message names the path and what to do.
    """
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError:  # Python 3.11 reports a loop so
            raise StoreError(
                f"{path} is a symbolic link that points back to itself; replace it with "
                f"the database file, or remove it to start a new database"
            ) from None
        except OSError as e:
            if e.errno == 40:  # ELOOP
                raise StoreError(
                    f"{path} is a symbolic link that points back to itself; replace it "
                    f"with the database file, or remove it to start a new database"
                ) from None
            raise StoreError(
                f"{path} is a symbolic link to {os.readlink(path)}, which does not exist; "
                f"restore that file, or remove the link to start a new database"
            ) from None
    if path.is_dir():
        raise StoreError(
            f"{path} is a folder, not a database file; move it away, or choose another "
            f"data folder with --data-dir"
        )


def _tables_in_schema(version: int) -> set[str]:
    created: set[str] = set()
    for script in MIGRATIONS[:version]:
        for verb, name in re.findall(
            r"\b(CREATE|DROP)\s+TABLE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(\w+)", script, re.I
        ):
            (created.add if verb.upper() == "CREATE" else created.discard)(name)
    return created


def missing_tables(conn: sqlite3.Connection, version: int) -> list[str]:
    """Return the tables that schema ``version`` has but the database lacks."""
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return sorted(_tables_in_schema(version) - present)


def _commit_frames(wal: bytes) -> list[int]:
    """Return the indexes of this log generation's commit frames in a ``-wal`` file.

    Frames carrying other salts than the header's are left over from an
    earlier generation of the log and do not count.
    """
    if len(wal) < _WAL_HEADER:
        return []
    page_size = struct.unpack(">I", wal[8:12])[0]
    if page_size < 512 or page_size & (page_size - 1):
        return []
    salts = wal[16:24]
    frame_size = _FRAME_HEADER + page_size
    commits = []
    for index in range((len(wal) - _WAL_HEADER) // frame_size):
        start = _WAL_HEADER + index * frame_size
        header = wal[start : start + _FRAME_HEADER]
        if header[8:16] != salts:
            continue
        if struct.unpack(">I", header[4:8])[0] != 0:
            commits.append(index)
    return commits


class WalCheck:
    """Notices committed transactions that SQLite drops from a damaged write-ahead log.

    Create it before the database is opened, then call :meth:`finish` with the
    first connection, before anything writes through it.

    Args:
        path: The database file.
    """

    def __init__(self, path: Path) -> None:
        self.wal = path.with_name(path.name + "-wal")
        self._copy: Path | None = None
        self._data = b""
        try:
            if self.wal.stat().st_size <= _WAL_HEADER:
                return
            self._data = self.wal.read_bytes()
            copy = self.wal.with_name(f"{self.wal.name}.{os.getpid()}.check")
            shutil.copyfile(self.wal, copy)
            self._copy = copy
        except OSError:  # no log, or a read-only folder: nothing to keep aside
            self._data = b""

    def discard(self) -> None:
        """Remove the copy of the log, unless :meth:`finish` kept it."""
        if self._copy is not None:
            self._copy.unlink(missing_ok=True)
            self._copy = None

    def finish(self, conn: sqlite3.Connection) -> str | None:
        """Return a one-line warning if committed changes were dropped, else None.

        The copy of the log is kept (renamed ``…-wal.damaged-<time>``) only
        when something was dropped.
        """
        if self._copy is None:
            return None
        try:
            valid = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
        except sqlite3.Error:  # a damaged database: opening says so
            return None
        if valid < 0:  # not in WAL mode after all
            return None
        dropped = [index for index in _commit_frames(self._data) if index >= valid]
        if not dropped:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = self.wal.with_name(f"{self.wal.name}.damaged-{stamp}")
        try:
            self._copy.rename(kept)
        except OSError:
            return None
        self._copy = None
        count = len(dropped)
        return (
            f"{count} change{'s' if count != 1 else ''} in the write-ahead log could not be "
            f"read (the log is damaged); a copy is kept at {kept}"
        )
