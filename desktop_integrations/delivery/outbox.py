"""The outbox's front door: emit() queues the deliveries; emissions wait for them.

Each enabled :class:`~desktop_integrations.delivery.ServiceIntegration` is
routed while its hook is active: for every emitted event, in the emitting
thread, its enabled configurations whose conditions match get one pending
delivery each in the store, written with the event in one transaction.
Emits that arrive while a write is under way are written together in the
next one (group commit). No network I/O happens here.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from desktop_integrations.delivery.context import new_delivery_id
from desktop_integrations.delivery.record import Delivery
from desktop_integrations.errors import StoreError
from desktop_integrations.events import Emission, Event, add_router
from desktop_integrations.storage import Store
from desktop_integrations.storage.outbox_entries import PlannedDelivery

if TYPE_CHECKING:
    from desktop_integrations.config import IntegrationConfig
    from desktop_integrations.delivery.dispatch import Dispatcher
    from desktop_integrations.manager import IntegrationManager

logger = logging.getLogger(__name__)

#: Seconds between looks at the delivery log while waiting for deliveries
#: that another process may be sending.
LOG_POLL = 0.5


class Routed(Protocol):
    """What the router needs of an integration."""

    integration_id: str
    integration_mgr: IntegrationManager

    def get_configs(self) -> Sequence[IntegrationConfig]:
        """Return the enabled configurations."""

    def accepts(self, config: IntegrationConfig, event: Event) -> bool:
        """Return whether ``config`` sends ``event``."""


_lock = threading.Lock()
_routed: dict[int, Routed] = {}


def start_routing(integration: Routed) -> None:
    """Queue a delivery per matching configuration of ``integration`` for each event."""
    with _lock:
        _routed[id(integration)] = integration


def stop_routing(integration: Routed) -> None:
    """Undo :func:`start_routing`."""
    with _lock:
        _routed.pop(id(integration), None)


@dataclass
class _Ticket:
    done: bool = False
    error: StoreError | None = None


class GroupCommit:
    """Writes events to one store's outbox, several per transaction under load.

    The first writer writes everything queued so far in one transaction; those
    that arrive meanwhile wait and are written together by the next one. Each
    returns once its own event is committed.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cond = threading.Condition()
        self._queue: list[tuple[str, Sequence[PlannedDelivery], _Ticket]] = []
        self._writing = False

    def write(self, event: str, planned: Sequence[PlannedDelivery]) -> None:
        """Write one event and its deliveries; durable when this returns.

        Raises:
            StoreError: It was not written.
        """
        ticket = _Ticket()
        with self._cond:
            self._queue.append((event, planned, ticket))
            while self._writing and not ticket.done:
                self._cond.wait()
            if ticket.done:
                if ticket.error is not None:
                    raise ticket.error
                return
            self._writing = True
            batch, self._queue = self._queue, []
        error: StoreError | None = None
        try:
            self.store.enqueue_deliveries([(event, planned) for event, planned, _ in batch])
        except StoreError as e:
            error = e
        with self._cond:
            for _, _, queued in batch:
                queued.done, queued.error = True, error
            self._writing = False
            self._cond.notify_all()
        if error is not None:
            raise error


_writers: weakref.WeakKeyDictionary[Store, GroupCommit] = weakref.WeakKeyDictionary()


def _writer(store: Store) -> GroupCommit:
    with _lock:
        writer = _writers.get(store)
        if writer is None:
            writer = _writers[store] = GroupCommit(store)
        return writer


class Queued:
    """Deliveries of one emission in one store's outbox, for the emitter to wait on.

    The workers of this process hand each outcome over as they finish; one sent
    by another process (which took over the outbox) is found in the delivery log.
    """

    def __init__(self, dispatcher: Dispatcher, delivery_ids: list[str]) -> None:
        self._dispatcher = dispatcher
        self._ids = delivery_ids
        self._cond = threading.Condition()
        self._done: dict[str, Delivery] = {}
        dispatcher.track(self, delivery_ids)

    def finished(self, delivery: Delivery) -> None:
        """Take the outcome of one of the deliveries."""
        with self._cond:
            self._done[delivery.delivery_id] = delivery
            self._cond.notify_all()

    def _missing(self) -> list[str]:
        return [i for i in self._ids if i not in self._done]

    def _check_log(self) -> None:
        with self._cond:
            missing = self._missing()
        if missing:
            for delivery in self._dispatcher.logged(missing):
                self.finished(delivery)

    def wait(self, timeout: float | None) -> list[Delivery]:
        """Wait up to ``timeout`` seconds; return the finished deliveries, in order."""
        deadline = None if timeout is None else time.monotonic() + timeout
        self._check_log()
        while True:
            with self._cond:
                left = None if deadline is None else deadline - time.monotonic()
                if not self._missing() or (left is not None and left <= 0):
                    return [self._done[i] for i in self._ids if i in self._done]
                progress = len(self._done)
                self._cond.wait(LOG_POLL if left is None else min(LOG_POLL, left))
                stalled = len(self._done) == progress
            if stalled:  # nothing from this process: another one may be sending them
                self._check_log()

    def unfinished(self) -> int:
        """Return how many have not finished yet."""
        self._check_log()
        with self._cond:
            return len(self._missing())


class Unqueued:
    """Deliveries that could not be written to the outbox: failed at once."""

    def __init__(self, planned: Sequence[PlannedDelivery], reason: str) -> None:
        now = datetime.now(UTC)
        # The store says "Could not queue 3 deliveries: <why> (<database>).": keep the why.
        action, colon, why = reason.partition(": ")
        if colon and action.startswith("Could not"):
            reason = why
        self._failed = [
            Delivery(
                config_id=p.config_id,
                config_name=p.config_name,
                integration_id=p.integration_id,
                event_kind=p.event_kind,
                time=now,
                status="failed",
                error=f"Could not queue the delivery: {reason}",
                attempts=0,
                delivery_id=p.delivery_id,
            )
            for p in planned
        ]

    def wait(self, timeout: float | None) -> list[Delivery]:
        """Return the failed deliveries."""
        return list(self._failed)

    def unfinished(self) -> int:
        """Nothing is left to wait for."""
        return 0


def route(event: Event, sender: Any, emission: Emission) -> None:
    """Queue the event's deliveries in the outbox; the router of :func:`emit`."""
    from desktop_integrations.delivery.pool import get_delivery_pool

    with _lock:
        integrations = list(_routed.values())
    groups: dict[int, tuple[IntegrationManager, list[PlannedDelivery]]] = {}
    for integration in integrations:
        manager = integration.integration_mgr
        try:
            configs = [c for c in integration.get_configs() if integration.accepts(c, event)]
        except Exception as e:  # one broken integration (a closed store) must not stop the others
            logger.warning("Cannot route event %r to %s: %s", event.kind, integration, e)
            continue
        for config in configs:
            if config.id is None:
                continue
            delivery = PlannedDelivery(
                new_delivery_id(), config.id, integration.integration_id, config.name, event.kind
            )
            groups.setdefault(id(manager), (manager, []))[1].append(delivery)
    if not groups:
        return
    document = event.model_dump_json()
    pool = get_delivery_pool()
    for manager, planned in groups.values():
        dispatcher = pool.attach(manager)
        # Tracked before they are written, so no outcome can slip past the emission.
        queued = Queued(dispatcher, [p.delivery_id for p in planned])
        try:
            _writer(manager.store).write(document, planned)
        except StoreError as e:
            logger.error("Could not queue %d deliveries of %r: %s", len(planned), event.kind, e)
            emission.add_pending(Unqueued(planned, str(e)))
            continue
        dispatcher.wake()
        emission.add_pending(queued)


add_router(route)
