"""Events that host applications emit, and :func:`emit`, the one call they make.

An event goes to every receiver of the ``event_occurred`` signal. Receivers
run off the caller's thread, each in isolation, so a receiver that hangs or
raises never delays the caller or the other receivers. The deliveries they
start are collected on the :class:`Emission` that :func:`emit` returns, so a
caller that needs the results (the command line, tests) can wait for them.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures import wait as wait_futures
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from desktop_integrations.levels import LEVELS, Level
from desktop_integrations.signals import event_occurred

if TYPE_CHECKING:
    from desktop_integrations.delivery.record import Delivery

__all__ = ["LEVELS", "Emission", "Event", "Level", "current_emission", "emit", "event_occurred"]

logger = logging.getLogger(__name__)

#: Seconds :meth:`Emission.wait` gives receivers to return by default.
RECEIVER_TIMEOUT = 10.0


def _now() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """Something that happened, to be sent to the configured services.

    Attributes:
        kind: A dotted name for what happened, such as ``"build.failed"``.
        title: A one-line summary.
        body: Details, in plain text.
        url: A link to more information, if any.
        fields: Extra facts shown as name/value pairs.
        level: How serious it is: info, success, warning or error.
        timestamp: When it happened (timezone-aware; default: now).
    """

    model_config = ConfigDict(frozen=True)

    kind: str = Field(default="notification", min_length=1)
    title: str = Field(min_length=1)
    body: str = ""
    url: str | None = None
    fields: dict[str, str] = Field(default_factory=dict)
    level: Level = "info"
    timestamp: AwareDatetime = Field(default_factory=_now)

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the title must not be blank")
        return value


class Emission:
    """One emitted event: the receivers it reached and the deliveries they started.

    Attributes:
        event: The event.
    """

    def __init__(self, event: Event) -> None:
        self.event = event
        self._lock = threading.Lock()
        self._receivers: list[threading.Thread] = []
        self._deliveries: list[Future[Delivery]] = []

    def add_receiver(self, thread: threading.Thread) -> None:
        """Track a thread running a receiver of the event."""
        with self._lock:
            self._receivers.append(thread)

    def add_delivery(self, future: Future[Delivery]) -> None:
        """Track a delivery a receiver started."""
        with self._lock:
            self._deliveries.append(future)

    def hung_receivers(self) -> list[str]:
        """Return who owns each receiver that has not returned yet."""
        with self._lock:
            return [thread.name for thread in self._receivers if thread.is_alive()]

    def unfinished(self) -> int:
        """Return how many receivers and deliveries are still running."""
        with self._lock:
            running = sum(thread.is_alive() for thread in self._receivers)
            return running + sum(not future.done() for future in self._deliveries)

    def wait(
        self, timeout: float | None = None, receiver_timeout: float = RECEIVER_TIMEOUT
    ) -> list[Delivery]:
        """Wait until every receiver returned and every delivery finished.

        Args:
            timeout: The most seconds to wait in all; None waits for as long
                as it takes.
            receiver_timeout: The most seconds to wait for the receivers to
                return. They only start deliveries, so one still running after
                this has hung; its deliveries are not waited for.

        Returns:
            The finished deliveries, in the order they were started. Any still
            running when the time is up are left out.
        """
        start = time.monotonic()
        deadline = None if timeout is None else start + timeout
        receivers_deadline = start + receiver_timeout
        if deadline is not None:
            receivers_deadline = min(receivers_deadline, deadline)
        with self._lock:
            receivers = list(self._receivers)
        for thread in receivers:
            thread.join(max(0.0, receivers_deadline - time.monotonic()))
        for name in self.hung_receivers():
            logger.warning("The receiver %s of event %r has not returned", name, self.event.kind)
        with self._lock:
            deliveries = list(self._deliveries)
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        wait_futures(deliveries, timeout=remaining)
        return [future.result() for future in deliveries if future.done()]


_current: contextvars.ContextVar[Emission | None] = contextvars.ContextVar(
    "current_emission", default=None
)


def current_emission() -> Emission | None:
    """Return the emission whose receiver is running in this thread, if any."""
    return _current.get()


@contextmanager
def collecting(emission: Emission) -> Iterator[None]:
    """Make deliveries started in this block belong to ``emission``."""
    token = _current.set(emission)
    try:
        yield
    finally:
        _current.reset(token)


def _run_receiver(receiver: Any, sender: Any, event: Event, emission: Emission) -> None:
    with collecting(emission):
        try:
            receiver(sender, event=event)
        except Exception:
            logger.exception("Receiver %r of event %r failed", receiver, event.kind)


def _owner(receiver: Any) -> str:
    """Name a receiver by who connected it: a hook's owner, else the function."""
    owner = getattr(getattr(receiver, "__self__", None), "owner", None)
    if owner is not None:
        return str(getattr(owner, "id", owner))
    return str(getattr(receiver, "__qualname__", receiver))


def emit(event: Event, sender: Any = None) -> Emission:
    """Send ``event`` to every receiver of ``event_occurred`` and return at once.

    Each receiver runs in its own daemon thread: one that hangs or raises
    affects neither the caller nor the others, and never keeps the process
    alive on exit.

    Args:
        event: The event.
        sender: Who emits it; receivers may listen to one sender only.

    Returns:
        The emission, whose :meth:`~Emission.wait` returns the deliveries.
    """
    emission = Emission(event)
    for receiver in event_occurred.receivers_for(sender):
        thread = threading.Thread(
            target=_run_receiver,
            args=(receiver, sender, event, emission),
            name=_owner(receiver),
            daemon=True,
        )
        emission.add_receiver(thread)
        thread.start()
    return emission
