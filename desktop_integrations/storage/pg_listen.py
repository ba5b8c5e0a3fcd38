"""Live change: a thread that LISTENs for other processes' changes and reconnects.

One connection of its own waits for notifications. When it is lost the
thread retries with growing pauses (backoff) and reports the state, so the app
can show it and the store can refuse edits while the server is out of reach.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from desktop_integrations.storage.base import StoreChange
from desktop_integrations.storage.pg_connect import describe_error

logger = logging.getLogger(__name__)

#: Pauses between reconnection attempts, in seconds: doubled up to the last.
BACKOFF = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
#: How often an idle connection is checked, in seconds.
PING_INTERVAL = 5.0


class ChangeListener(threading.Thread):
    """Waits for NOTIFY on a channel and hands each change on.

    Args:
        conninfo: Where to connect.
        channel: The channel to LISTEN on.
        on_change: Called with each change, on this thread.
        on_state: Called with ``(connected, reason)`` when the connection is
            made or lost, on this thread.
        secret: The password, kept out of messages.
    """

    def __init__(
        self,
        conninfo: str,
        channel: str,
        on_change: Callable[[StoreChange], None],
        on_state: Callable[[bool, str], None],
        secret: str | None = None,
    ) -> None:
        super().__init__(name="desktop-integrations-listen", daemon=True)
        self.conninfo = conninfo
        self.channel = channel
        self.on_change = on_change
        self.on_state = on_state
        self.secret = secret
        self._stopping = threading.Event()
        self._connected = threading.Event()
        self._conn: Any = None
        self._attempt = 0
        # stop() notifies this channel of our own, so the wait ends at once.
        self._wake = f"{channel}.wake.{uuid.uuid4().hex}"

    def wait_connected(self, timeout: float) -> bool:
        """Wait until the first LISTEN is in place; return whether it is."""
        return self._connected.wait(timeout)

    def stop(self, wake: Callable[[str], None] | None = None) -> None:
        """Stop listening and close the connection.

        Args:
            wake: Sends a notification on a channel; used to end the wait at
                once instead of within half a second.
        """
        self._stopping.set()
        if wake is not None and self._connected.is_set():
            try:
                wake(self._wake)
            except Exception:
                logger.debug("Could not wake the listening thread", exc_info=True)
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout=5)

    def run(self) -> None:
        """Listen until stopped, reconnecting with backoff."""
        self._attempt = 0
        tried = False
        while not self._stopping.is_set():
            try:
                self._listen(resync=tried)
                return
            except Exception as e:
                # psycopg's errors, and any receiver's bug: neither may end live change.
                reason = describe_error(e, self.secret)
                if self._connected.is_set():
                    logger.warning("Lost the connection to the team database: %s", reason)
                self._connected.clear()
                self.on_state(False, reason)
            finally:
                self._close()
            tried = True
            pause = BACKOFF[min(self._attempt, len(BACKOFF) - 1)]
            self._attempt += 1
            if self._stopping.wait(pause):
                return

    def _listen(self, *, resync: bool) -> None:
        import psycopg
        from psycopg import sql

        self._conn = conn = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5)
        for channel in (self.channel, self._wake):
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        self._attempt = 0
        self._connected.set()
        self.on_state(True, "")
        if resync:
            # Changes made while we were away were not notified: read everything again.
            self.on_change(StoreChange(generation=None))
        idle = 0.0
        while not self._stopping.is_set():
            got = False
            for notify in conn.notifies(timeout=0.5, stop_after=64):
                got = True
                if notify.channel == self._wake:
                    return
                self.on_change(_parse(notify.payload))
            idle = 0.0 if got else idle + 0.5
            if idle >= PING_INTERVAL:
                conn.execute("SELECT 1")
                idle = 0.0

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                logger.debug("Closing the listening connection failed", exc_info=True)


def _parse(payload: str) -> StoreChange:
    try:
        data = json.loads(payload)
        return StoreChange(
            generation=int(data["generation"]),
            integration_id=data.get("integration_id"),
            config_id=data.get("config_id"),
        )
    except (ValueError, KeyError, TypeError):
        return StoreChange(generation=None)
