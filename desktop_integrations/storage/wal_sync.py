"""Group fsync of a SQLite write-ahead log, for the outbox's many small writes.

The store commits with ``synchronous = FULL``: every commit waits for an
fsync of the write-ahead log while it holds the database's write lock. On a
virtual disk that is about 2 ms, and a burst of deliveries makes hundreds of
small outbox commits (one per emit, one per worker batch), so the write lock
is busy with fsyncs most of the time and the workers queue behind it.

Outbox writes instead commit with ``synchronous = NORMAL``, which writes the
transaction to the log (so a process that dies right after the commit keeps
it) but leaves the fsync out. A writer that must not return before its commit
is on disk (recorded outcomes) then waits here for one fsync of the log that
started after its commit; emit() does not wait but starts that fsync in the
background (see :meth:`WalSync.flush_soon`), so a machine crash (not a process
crash) within a few milliseconds of an emit may lose it. The fsync runs
outside the write lock, and every commit made meanwhile, by any thread,
shares it: what one commit paid before is now paid once per group. Stopping
the delivery pool, and the interpreter's exit, wait for it.
"""

from __future__ import annotations

import atexit
import logging
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from desktop_integrations.errors import StoreError

logger = logging.getLogger(__name__)
_sync = getattr(os, "fdatasync", os.fsync)


class WalSync:
    """Makes commits of one database's write-ahead log durable, several per fsync.

    Call :meth:`committed` right after a commit made with ``synchronous =
    NORMAL``, while still holding the store's lock (so marks follow the commit
    order), then :meth:`wait` with the mark it returned.

    Args:
        wal: The database's ``-wal`` file.
    """

    def __init__(self, wal: Path) -> None:
        self.wal = wal
        self._cond = threading.Condition()
        self._marks = 0
        self._durable = 0
        self._syncing = False
        self._flushing = False
        _unflushed.add(self)

    def flush(self) -> None:
        """Return once every commit noted so far is on disk.

        Raises:
            StoreError: The log could not be synced to disk.
        """
        with self._cond:
            mark = self._marks
        self.wait(mark)

    def flush_soon(self) -> None:
        """Have a background thread sync the commits noted so far (and later ones)."""
        with self._cond:
            if self._flushing or self._durable >= self._marks:
                return
            self._flushing = True
        threading.Thread(target=self._flush_all, name="outbox-fsync", daemon=True).start()

    def _flush_all(self) -> None:
        try:
            while True:
                with self._cond:
                    if self._durable >= self._marks:
                        self._flushing = False
                        return
                self.flush()
        except StoreError as e:
            logger.warning("%s", e)
        with self._cond:
            self._flushing = False

    def committed(self) -> int:
        """Note a commit not yet on disk; return its mark."""
        with self._cond:
            self._marks += 1
            return self._marks

    def wait(self, mark: int) -> None:
        """Return once the commit of ``mark`` is on disk.

        Raises:
            StoreError: The log could not be synced to disk.
        """
        while True:
            with self._cond:
                while self._syncing and self._durable < mark:
                    self._cond.wait()
                if self._durable >= mark:
                    return
                # Every commit noted so far has been written to the log: one
                # fsync from here on covers them all.
                self._syncing, target = True, self._marks
            error: OSError | None = None
            try:
                self._fsync()
            except OSError as e:
                error = e
            with self._cond:
                self._syncing = False
                if error is None:
                    self._durable = max(self._durable, target)
                self._cond.notify_all()
            if error is not None:
                raise StoreError(
                    f"Could not write the outbox to disk: {error.strerror or error} ({self.wal})."
                ) from error

    def _fsync(self) -> None:
        try:
            fd = os.open(self.wal, os.O_RDWR)
        except FileNotFoundError:
            return  # the last connection closed: SQLite checkpointed and synced the log
        try:
            _sync(fd)
        finally:
            os.close(fd)


_unflushed: weakref.WeakSet[WalSync] = weakref.WeakSet()


@atexit.register
def _flush_at_exit() -> None:
    for sync in list(_unflushed):
        try:
            sync.flush()
        except StoreError as e:
            logger.warning("%s", e)


class SyncedWrites:
    """:meth:`outbox_transaction` for :class:`~desktop_integrations.storage.ConfigStore`."""

    # Provided by the store.
    path: Path
    _lock: threading.RLock
    _conn: sqlite3.Connection

    def transaction(self, action: str) -> AbstractContextManager[sqlite3.Connection]:  # noqa: D102
        raise NotImplementedError

    @contextmanager
    def outbox_transaction(
        self, action: str, *, durable: bool = True
    ) -> Iterator[sqlite3.Connection]:
        """Run a block of outbox writes as one transaction (a savepoint when nested).

        It commits without holding the write lock for an fsync; with
        ``durable``, it returns once the commit is on disk, sharing one fsync
        with the outbox commits made meanwhile (see :mod:`.wal_sync`). Without,
        a crash of the machine (not of the process) may undo it: for leases
        and postponements, which then only make a delivery go out sooner.

        Raises:
            StoreError: Nothing was written, or it could not be made durable.
        """
        with self._lock:
            sync = self._wal_sync()
            if sync is None or self._conn.in_transaction:
                with self.transaction(action) as conn:
                    yield conn
                return
            self._set_synchronous("NORMAL", action)
            try:
                with self.transaction(action) as conn:
                    yield conn
                mark = sync.committed()
            finally:
                self._set_synchronous("FULL", action)
        if durable:
            sync.wait(mark)

    def outbox_flush(self, *, wait: bool = True) -> None:
        """Make every outbox commit made so far durable (``wait=False``: in the background).

        Raises:
            StoreError: With ``wait``: the log could not be synced to disk.
        """
        with self._lock:
            sync = self._wal_sync()
        if sync is None:
            return
        if wait:
            sync.flush()
        else:
            sync.flush_soon()

    def _wal_sync(self) -> WalSync | None:
        sync: WalSync | bool | None = self.__dict__.get("_outbox_wal_sync", False)
        if sync is False:
            try:
                mode = self._conn.execute("PRAGMA journal_mode").fetchone()[0]
            except sqlite3.Error:
                return None  # closed: transaction() says so
            sync = WalSync(self.path.with_name(self.path.name + "-wal")) if mode == "wal" else None
            self.__dict__["_outbox_wal_sync"] = sync
        return sync if isinstance(sync, WalSync) else None

    def _set_synchronous(self, mode: str, action: str) -> None:
        try:
            self._conn.execute(f"PRAGMA synchronous = {mode}")
        except sqlite3.Error as e:
            raise StoreError(f"Could not {action}: {e} ({self.path}).") from e
