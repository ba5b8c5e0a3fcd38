"""How often, and after how long, a failed send is tried again."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class RetryPolicy:
    """Retries with exponential backoff.

    Attributes:
        attempts: The most times a send is tried, the first included.
        backoff: Seconds before the second attempt; each later wait doubles.
        max_wait: The longest wait between attempts, also for a service's
            ``Retry-After``, so a service cannot stall a delivery for hours.
        sleep: Waits the given seconds; replaced in tests.
    """

    attempts: int = 3
    backoff: float = 1.0
    max_wait: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Return the seconds to wait after failed attempt number ``attempt`` (from 1).

        Args:
            attempt: The attempt that just failed.
            retry_after: The wait the service asked for, if it did.
        """
        wanted = retry_after if retry_after is not None else self.backoff * 2 ** (attempt - 1)
        return max(0.0, min(wanted, self.max_wait))


def parse_retry_after(value: str | None) -> float | None:
    """Return the seconds a ``Retry-After`` header asks for, or None if unreadable.

    The header holds either a number of seconds or an HTTP date.
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Pacer:
    """Destinations that asked for a pause (HTTP 429 or 503 with ``Retry-After``).

    A paused destination (one scheme, host and port) gets nothing until its
    pause ends; every other destination keeps flowing. Thread-safe.

    Args:
        clock: Returns the current time in seconds; replaced in tests.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._until: dict[str, float] = {}

    def pause(self, destination: str, seconds: float) -> None:
        """Send nothing to ``destination`` for ``seconds``."""
        until = self._clock() + seconds
        with self._lock:
            self._until[destination] = max(until, self._until.get(destination, 0.0))

    def remaining(self, destination: str) -> float:
        """Return the seconds left of the destination's pause; 0 if it is not paused."""
        with self._lock:
            until = self._until.get(destination)
            if until is None:
                return 0.0
            left = until - self._clock()
            if left <= 0:
                del self._until[destination]
                return 0.0
            return left
