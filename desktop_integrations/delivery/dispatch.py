"""The workers that send one store's outbox: claim a few, send, record in batches."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from desktop_integrations.delivery.context import Sending, sending
from desktop_integrations.delivery.leases import alive, new_owner
from desktop_integrations.delivery.log import KEEP_PER_CONFIG, KEEP_TOTAL, from_row
from desktop_integrations.delivery.record import Delivery, DeliveryError, Outcome, RetryLaterError
from desktop_integrations.errors import StoreError
from desktop_integrations.events import Event
from desktop_integrations.storage.outbox_entries import OutboxEntry

if TYPE_CHECKING:
    from desktop_integrations.config import IntegrationConfig
    from desktop_integrations.delivery.pool import DeliveryPool
    from desktop_integrations.manager import IntegrationManager

logger = logging.getLogger(__name__)

#: Seconds an idle worker sleeps before looking at the outbox again (new
#: deliveries in this process wake it at once).
IDLE_POLL = 2.0
#: Finished deliveries between two trims of the delivery log.
PRUNE_EVERY = 200


@runtime_checkable
class Sender(Protocol):
    """What the workers need of an integration (a ServiceIntegration)."""

    def build_config_form(self, config: IntegrationConfig | None = None) -> Any:
        """Return the configuration's bound form."""

    def send(self, settings: Mapping[str, Any], event: Event, pool: DeliveryPool) -> Outcome:
        """Send the event to the service."""


class Waiter(Protocol):
    """Waits for some deliveries (an emission's)."""

    def finished(self, delivery: Delivery) -> None:
        """Take the outcome of one of them."""


@dataclass(frozen=True)
class _Deferred:
    delivery_id: str
    not_before: float
    attempts: int


class Dispatcher:
    """Sends the pending deliveries of one store's outbox on worker threads.

    Each worker leases its share of the due deliveries (at most
    ``batch_size``: a long queue goes in large batches, a few deliveries are
    spread over the workers), sends them with the configuration's current
    settings, and records the outcomes (or puts a retry back in the outbox)
    in the transaction that leases its next batch. A batch still unsent
    after half the lease goes back to the outbox.

    Args:
        pool: Holds the transports.
        manager: Resolves integrations and configurations; its store holds
            the outbox.
        workers: The worker threads.
        batch_size: The most deliveries a worker leases at once.
        lease: Seconds a lease lasts; a process that died leaves its leased
            deliveries to others after this.
    """

    def __init__(
        self,
        pool: DeliveryPool,
        manager: IntegrationManager,
        *,
        workers: int,
        batch_size: int,
        lease: float,
    ) -> None:
        self.pool = pool
        self.manager = manager
        self.store = manager.store
        self.owner = new_owner()
        self.batch_size = batch_size
        self.lease = lease
        self._count = workers
        self._cond = threading.Condition()
        self._wakeups = 0
        self._stopping = False
        self._next_due = 0.0
        self._threads: list[threading.Thread] = []
        self._watchers: dict[str, weakref.ref[Waiter]] = {}
        self._listeners: list[Callable[[Delivery], None]] = []
        self._recording = 0  # workers between recording outcomes and announcing them
        self._recorded = threading.Condition()
        self._cache_lock = threading.Lock()
        self._settings: OrderedDict[tuple[int, int, int], tuple[Mapping[str, Any], str]] = (
            OrderedDict()
        )
        self._events: OrderedDict[str, Event] = OrderedDict()
        self._unpruned: set[int | None] = set()
        self._finished_since_prune = 0

    # Running -----------------------------------------------------------------

    def start(self) -> None:
        """Free the leases of dead processes on this machine; start the workers."""
        self.release_dead_leases()
        for number in range(self._count):
            thread = threading.Thread(target=self._run, name=f"delivery-{number + 1}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def release_dead_leases(self) -> None:
        """Give back deliveries leased by processes of this machine that are gone."""
        try:
            for owner in self.store.lease_owners(time.time()):
                if not alive(owner):
                    count = self.store.release_deliveries(owner)
                    logger.info("Took over %d deliveries of a process that stopped", count)
        except StoreError as e:
            logger.warning("Could not check the outbox: %s", e)

    def wake(self) -> None:
        """Have an idle worker look at the outbox now."""
        with self._cond:
            self._wakeups += 1
            self._cond.notify_all()

    def stop(self, wait: bool = True) -> None:
        """Stop the workers; with ``wait``, let each finish its current send."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if wait:
            for thread in self._threads:
                thread.join()
            try:
                self.store.release_deliveries(self.owner)
            except StoreError as e:
                logger.debug("Could not release the leases: %s", e)

    def _run(self) -> None:
        done: tuple[list[Delivery], list[_Deferred]] = ([], [])
        while True:
            with self._cond:
                stopping = self._stopping
                seen = self._wakeups
            try:
                batch = self._record_and_claim(*done, claim=not stopping)
            except StoreError as e:
                if isinstance(e.__cause__, Exception) and "closed" in str(e.__cause__):
                    return  # the store was closed: nothing more to send from it
                # The leases run out and the deliveries are sent again: at least once.
                logger.warning("Could not record deliveries or read the outbox: %s", e)
                batch = []
            done = ([], [])
            if stopping:
                return
            if batch:
                done = self._send_batch(batch)
                continue
            self.pool.smtp.close()  # after a full batch: nothing more to send now
            with self._cond:
                if not self._stopping and self._wakeups == seen:
                    due = self._next_due - time.time()
                    self._cond.wait(min(IDLE_POLL, due) if due > 0 else IDLE_POLL)

    def _record_and_claim(
        self, finished: list[Delivery], deferred: list[_Deferred], *, claim: bool
    ) -> list[OutboxEntry]:
        """Record a batch's outcomes and take the next batch, in one transaction."""
        ids = {i.id for i in self.manager.get_integrations() if isinstance(i, Sender)}
        if not finished and not deferred and not (claim and ids):
            return []
        with self._recorded:
            self._recording += 1
        try:
            return self._record(finished, deferred, claim=claim, ids=ids)
        finally:
            with self._recorded:
                self._recording -= 1
                self._recorded.notify_all()

    def settle(self, timeout: float | None) -> None:
        """Wait until outcomes already taken out of the outbox have been announced."""
        with self._recorded:
            self._recorded.wait_for(lambda: not self._recording, timeout)

    def _record(
        self, finished: list[Delivery], deferred: list[_Deferred], *, claim: bool, ids: set[str]
    ) -> list[OutboxEntry]:
        with self.store.outbox_transaction(
            "record deliveries and take more", durable=bool(finished)
        ):
            if finished:
                row_ids = self.store.finish_deliveries(finished)
                finished = [replace(d, id=row) for d, row in zip(finished, row_ids, strict=True)]
            self.store.defer_deliveries(
                [(d.delivery_id, d.not_before, d.attempts) for d in deferred]
            )
            batch = (
                self.store.claim_deliveries(
                    self.owner,
                    ids,
                    limit=self.batch_size,
                    lease=self.lease,
                    now=time.time(),
                    share=self._count,
                )
                if claim and ids
                else []
            )
        if deferred:
            with self._cond:
                soonest = min(d.not_before for d in deferred)
                if self._next_due <= time.time() or soonest < self._next_due:
                    self._next_due = soonest
        self._announce(finished)
        self._prune(finished)
        return batch

    def _send_batch(self, batch: list[OutboxEntry]) -> tuple[list[Delivery], list[_Deferred]]:
        finished: list[Delivery] = []
        deferred: list[_Deferred] = []
        # Well within the lease: what is left then goes back to the outbox.
        give_back = time.monotonic() + self.lease / 2
        for entry in batch:
            if self._stopping or time.monotonic() > give_back:
                deferred.append(_Deferred(entry.delivery_id, 0.0, entry.attempts))
                continue
            result = self._send(entry)
            if isinstance(result, _Deferred):
                deferred.append(result)
            else:
                finished.append(result)
        if len(batch) < self.batch_size:
            # The burst is over: hang up on mail servers rather than idle on them.
            self.pool.smtp.close()
        return finished, deferred

    def _announce(self, finished: list[Delivery]) -> None:
        with self._cond:
            listeners = list(self._listeners)
            refs = [(d, self._watchers.pop(d.delivery_id, None)) for d in finished]
        for delivery, ref in refs:
            waiter = ref() if ref is not None else None
            if waiter is not None:
                waiter.finished(delivery)
            for listener in listeners:
                listener(delivery)

    def _prune(self, finished: list[Delivery]) -> None:
        with self._cond:
            self._unpruned.update(d.config_id for d in finished)
            self._finished_since_prune += len(finished)
            if self._finished_since_prune < PRUNE_EVERY:
                return
            config_ids, self._unpruned = self._unpruned, set()
            self._finished_since_prune = 0
        try:
            self.store.prune_deliveries(
                config_ids, keep_per_config=KEEP_PER_CONFIG, keep_total=KEEP_TOTAL
            )
        except StoreError as e:
            logger.warning("Could not trim the delivery log: %s", e)

    # Sending one ---------------------------------------------------------------

    def _send(self, entry: OutboxEntry) -> Delivery | _Deferred:
        started = datetime.now(UTC)
        clock = time.perf_counter()
        response = error = ""
        attempts = entry.attempts
        ok = False
        try:
            integration = self.manager.find_integration(entry.integration_id)
            if not isinstance(integration, Sender):
                # Unregistered since the claim: leave it to a process that has it.
                return _Deferred(entry.delivery_id, time.time() + self.lease, entry.attempts)
            settings = self._settings_for(integration, entry.config_id)
            event = self._event(entry.event)
            with sending(Sending(entry.delivery_id, entry.attempts, deferrable=True)):
                outcome = integration.send(settings, event, self.pool)
        except RetryLaterError as e:
            return _Deferred(entry.delivery_id, time.time() + e.wait, e.attempts)
        except DeliveryError as e:
            error, response, attempts = str(e), e.response, e.attempts
        except Exception as e:
            # A plugin's bug: the reason goes to the delivery log, the traceback
            # only to the debug log.
            logger.debug("Delivery to %r failed unexpectedly", entry.config_name, exc_info=True)
            error = f"Unexpected error: {type(e).__name__}: {e}"
            attempts = entry.attempts + 1
        else:
            ok, response, attempts = True, outcome.response, outcome.attempts
        return Delivery(
            config_id=entry.config_id,
            config_name=entry.config_name,
            integration_id=entry.integration_id,
            event_kind=entry.event_kind,
            time=started,
            status="delivered" if ok else "failed",
            response=response,
            duration_ms=(time.perf_counter() - clock) * 1000,
            error=error,
            attempts=attempts,
            delivery_id=entry.delivery_id,
        )

    def _settings_for(self, integration: Sender, config_id: int | None) -> Mapping[str, Any]:
        config = self.manager.get_config(config_id) if config_id is not None else None
        if config is None:
            raise DeliveryError(
                "The configuration was deleted before the event was sent.", attempts=0
            )
        key = (config_id or 0, int(getattr(config, "revision", 0)), id(config))
        with self._cache_lock:
            cached = self._settings.get(key)
        if cached is None:
            form = integration.build_config_form(config)
            if form.is_valid():
                cached = (form.cleaned_data, "")
            else:
                problems = "; ".join(
                    f"{field}: {' '.join(messages)}" for field, messages in form.errors.items()
                )
                cached = ({}, f"The settings are not valid ({problems})")
            with self._cache_lock:
                self._settings[key] = cached
                if len(self._settings) > 256:
                    self._settings.popitem(last=False)
        if cached[1]:
            raise DeliveryError(cached[1], attempts=0)
        return cached[0]

    def _event(self, document: str) -> Event:
        with self._cache_lock:
            event = self._events.get(document)
        if event is None:
            event = Event.model_validate_json(document)
            with self._cache_lock:
                self._events[document] = event
                if len(self._events) > 64:
                    self._events.popitem(last=False)
        return event

    # Waiting -----------------------------------------------------------------

    def listen(self, listener: Callable[[Delivery], None] | None, *, remove: bool = False) -> None:
        """Call ``listener`` with every delivery these workers finish (or stop doing so)."""
        with self._cond:
            if remove:
                self._listeners.remove(listener)  # type: ignore[arg-type]
            elif listener is not None:
                self._listeners.append(listener)

    def track(self, waiter: Waiter, delivery_ids: Collection[str]) -> None:
        """Call ``waiter.finished(delivery)`` when these workers finish one of these.

        Only a weak reference to ``waiter`` is kept: an emission nobody holds
        costs nothing while its deliveries wait in the outbox.
        """
        ref = weakref.ref(waiter)
        with self._cond:
            for delivery_id in delivery_ids:
                self._watchers[delivery_id] = ref
        weakref.finalize(waiter, self._untrack, list(delivery_ids), ref)

    def _untrack(self, delivery_ids: list[str], ref: weakref.ref[Waiter]) -> None:
        with self._cond:
            for delivery_id in delivery_ids:
                if self._watchers.get(delivery_id) is ref:
                    del self._watchers[delivery_id]

    def logged(self, delivery_ids: list[str]) -> list[Delivery]:
        """Return the logged outcomes of these deliveries (sent by any process)."""
        if not delivery_ids:
            return []
        try:
            return [from_row(row) for row in self.store.find_deliveries(delivery_ids)]
        except StoreError as e:
            logger.warning("Could not read the delivery log: %s", e)
            return []
