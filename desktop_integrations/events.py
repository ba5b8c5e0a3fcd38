"""Events that host applications emit, and :func:`emit`, the one call they make.

:func:`emit` first hands the event to the routers (the delivery pipeline
registers one: it writes the event and a pending delivery per matching
configuration to the store's outbox, without network I/O), then to every
receiver of the ``event_occurred`` signal. Receivers run off the caller's
thread, each in isolation, so a receiver that hangs or raises never delays
the caller or the other receivers. The deliveries of both are collected on
the :class:`Emission` that :func:`emit` returns, so a caller that needs the
results (the command line, tests) can wait for them.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import wait as wait_futures
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from desktop_integrations.levels import LEVELS, Level
from desktop_integrations.signals import event_occurred

if TYPE_CHECKING:
    from desktop_integrations.delivery.record import Delivery

__all__ = [
    "LEVELS",
    "Emission",
    "Event",
    "Level",
    "Pending",
    "add_router",
    "current_emission",
    "emit",
    "event_occurred",
    "remove_router",
]

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


class Pending(Protocol):
    """Deliveries of an emission that finish elsewhere (the outbox's workers)."""

    def wait(self, timeout: float | None) -> list[Delivery]:
        """Wait up to ``timeout`` seconds; return the finished deliveries, in order."""

    def unfinished(self) -> int:
        """Return how many are not finished yet."""


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
        self._pending: list[Pending] = []

    def add_pending(self, pending: Pending) -> None:
        """Track deliveries a router queued."""
        with self._lock:
            self._pending.append(pending)

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
            pending = list(self._pending)
            running += sum(not future.done() for future in self._deliveries)
        return running + sum(batch.unfinished() for batch in pending)

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
            pending = list(self._pending)
        finished: list[Delivery] = []
        for batch in pending:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            finished.extend(batch.wait(remaining))
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        wait_futures(deliveries, timeout=remaining)
        return finished + [future.result() for future in deliveries if future.done()]


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


#: Called by emit() in the caller's thread, before the receivers; see add_router().
Router = Callable[[Event, Any, Emission], None]
_routers: list[Router] = []
_routers_lock = threading.Lock()


def add_router(router: Router) -> None:
    """Have ``router(event, sender, emission)`` see every emitted event first.

    A router runs in the emitting thread (possibly the GUI thread), so it
    must not do network I/O; the delivery pipeline's router only writes to
    the store. An exception it raises is logged and goes no further.
    """
    with _routers_lock:
        if router not in _routers:
            _routers.append(router)


def remove_router(router: Router) -> None:
    """Undo :func:`add_router`."""
    with _routers_lock:
        if router in _routers:
            _routers.remove(router)


def emit(event: Event, sender: Any = None) -> Emission:
    """Send ``event`` to the routers and every receiver of ``event_occurred``.

    The routers run first, in this thread: the delivery pipeline's writes the
    event's deliveries to the outbox (durable when this returns) and never
    touches the network. Then each receiver runs in its own daemon thread: one
    that hangs or raises affects neither the caller nor the others, and never
    keeps the process alive on exit.

    Args:
        event: The event.
        sender: Who emits it; receivers may listen to one sender only.

    Returns:
        The emission, whose :meth:`~Emission.wait` returns the deliveries.
    """
    emission = Emission(event)
    with _routers_lock:
        routers = list(_routers)
    for router in routers:
        try:
            router(event, sender, emission)
        except Exception:
            logger.exception("Router %r of event %r failed", router, event.kind)
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
