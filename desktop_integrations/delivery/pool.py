"""The delivery pool: the process's transports and the workers that use them."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.delivery.context import Sending, new_delivery_id, sending
from desktop_integrations.delivery.dispatch import Dispatcher
from desktop_integrations.delivery.http import HttpTransport
from desktop_integrations.delivery.log import record_delivery
from desktop_integrations.delivery.record import Delivery, DeliveryError, Outcome, Status
from desktop_integrations.delivery.smtp import SmtpTransport
from desktop_integrations.errors import StoreError
from desktop_integrations.events import Event, current_emission
from desktop_integrations.storage import Store

if TYPE_CHECKING:
    from desktop_integrations.manager import IntegrationManager

logger = logging.getLogger(__name__)

#: Sends the event; returns the service's answer or raises DeliveryError.
Send = Callable[[], Outcome]
#: Seconds between looks at the outbox while :meth:`DeliveryPool.drain` waits.
_DRAIN_POLL = 0.1


class DeliveryPool:
    """One per process: the shared transports and the outbox's workers.

    The HTTP and SMTP transports are shared by every worker (one connection
    pool, TLS set up once). :meth:`attach` starts workers that send a
    store's outbox; :meth:`submit` runs a send that does not go through the
    outbox (a test event of an unsaved configuration). :meth:`shutdown` stops
    the workers and closes the connections.

    Args:
        workers: The worker threads per store, and of :meth:`submit`.
        http: Sends HTTP requests (timeouts, retries, pacing).
        smtp: Sends mail (timeouts, retries).
        batch_size: The most deliveries a worker takes from the outbox at once.
        lease: Seconds a worker holds the deliveries it took; a process that
            died leaves them to others after this (at once, on the same machine).

    Attributes:
        http: The shared :class:`HttpTransport`; ``send()`` posts with
            ``pool.http.post_json(url, payload)`` or ``pool.http.request(...)``.
        smtp: The shared :class:`SmtpTransport`; ``pool.smtp.send(server, message)``.
    """

    def __init__(
        self,
        workers: int = 4,
        http: HttpTransport | None = None,
        smtp: SmtpTransport | None = None,
        *,
        batch_size: int = 64,
        lease: float = 120.0,
    ) -> None:
        self.http = http or HttpTransport()
        self.smtp = smtp or SmtpTransport()
        self.workers = workers
        self.batch_size = batch_size
        self.lease = lease
        self._lock = threading.Lock()
        self._dispatchers: dict[int, Dispatcher] = {}
        self._executor: ThreadPoolExecutor | None = None

    # The outbox --------------------------------------------------------------

    def attach(self, manager: IntegrationManager) -> Dispatcher:
        """Send the outbox of ``manager``'s store, with its integrations; idempotent."""
        with self._lock:
            dispatcher = self._dispatchers.get(id(manager.store))
            if dispatcher is not None and dispatcher.store is manager.store:
                return dispatcher
            dispatcher = Dispatcher(
                self,
                manager,
                workers=self.workers,
                batch_size=self.batch_size,
                lease=self.lease,
            )
            self._dispatchers[id(manager.store)] = dispatcher
        dispatcher.start()
        return dispatcher

    def drain(self, manager: IntegrationManager, timeout: float | None = None) -> list[Delivery]:
        """Send what the outbox holds for ``manager``'s integrations, then return.

        Deliveries another running process holds are left to it.

        Args:
            manager: Its store's outbox is sent, with its integrations.
            timeout: The most seconds to wait; None waits for as long as it takes.

        Returns:
            The deliveries finished meanwhile, in the order they finished.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        dispatcher = self.attach(manager)
        dispatcher.release_dead_leases()
        finished: list[Delivery] = []
        dispatcher.listen(finished.append)
        try:
            dispatcher.wake()
            while deadline is None or time.monotonic() < deadline:
                ids = {i.id for i in manager.get_integrations()}
                left = manager.store.count_pending_deliveries(
                    ids, owner=dispatcher.owner, now=time.time()
                )
                if not left:
                    break
                time.sleep(_DRAIN_POLL)
            # The last outcomes may be out of the outbox but not yet announced.
            dispatcher.settle(None if deadline is None else max(0.0, deadline - time.monotonic()))
        finally:
            dispatcher.listen(finished.append, remove=True)
        return finished

    # Sends outside the outbox --------------------------------------------------

    def submit(
        self, store: Store, config: IntegrationConfig, event: Event, send: Send
    ) -> Future[Delivery]:
        """Run ``send`` on a worker; the future's result is the logged delivery.

        The send is not durable: it runs in this process only. The future never
        raises: a failure is a delivery whose status is ``"failed"`` and whose
        ``error`` says why. A delivery started while a receiver of an emitted
        event runs is added to that emission, so the emitter can wait for it.
        """
        started = datetime.now(UTC)
        name, config_id = config.name, config.id
        integration_id = config.integration_id
        delivery_id = new_delivery_id()

        def run() -> Delivery:
            clock = time.perf_counter()
            status: Status = "failed"
            response = error = ""
            attempts = 1
            try:
                with sending(Sending(delivery_id)):
                    outcome = send()
            except DeliveryError as e:
                error, response, attempts = str(e), e.response, e.attempts
            except Exception as e:
                logger.debug("Delivery to %r failed unexpectedly", name, exc_info=True)
                error = f"Unexpected error: {type(e).__name__}: {e}"
            else:
                status, response, attempts = "delivered", outcome.response, outcome.attempts
            self.smtp.close()  # a one-off send: keep no mail server connection open
            delivery = Delivery(
                config_id=config_id,
                config_name=name,
                integration_id=integration_id,
                event_kind=event.kind,
                time=started,
                status=status,
                response=response,
                duration_ms=(time.perf_counter() - clock) * 1000,
                error=error,
                attempts=attempts,
                delivery_id=delivery_id,
            )
            return self._record(store, delivery)

        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="delivery")
            future = self._executor.submit(run)
        emission = current_emission()
        if emission is not None:
            emission.add_delivery(future)
        return future

    def fail(
        self, store: Store, config: IntegrationConfig, event: Event, error: str
    ) -> Future[Delivery]:
        """Record a delivery that could not even start, such as invalid settings."""

        def send() -> Outcome:
            raise DeliveryError(error, attempts=0)

        return self.submit(store, config, event, send)

    def _record(self, store: Store, delivery: Delivery) -> Delivery:
        try:
            return record_delivery(store, delivery)
        except StoreError as e:
            logger.error("Could not record the delivery to %r: %s", delivery.config_name, e)
            return delivery

    def shutdown(self, wait: bool = True) -> None:
        """Stop the workers and close the connections.

        With ``wait``, each worker finishes the send it is in and the rest of
        its batch goes back to the outbox; pending deliveries stay there for the
        next process, on disk when this returns. The pool can be used again
        afterwards.
        """
        with self._lock:
            dispatchers, self._dispatchers = list(self._dispatchers.values()), {}
            executor, self._executor = self._executor, None
        for dispatcher in dispatchers:
            dispatcher.stop(wait)
            try:  # what was emitted reaches the disk before the pool stops
                dispatcher.store.outbox_flush()
            except StoreError as e:
                logger.warning("%s", e)
        if executor is not None:
            executor.shutdown(wait=wait, cancel_futures=not wait)
        self.http.close()
        self.smtp.close()


_default_pool: DeliveryPool | None = None
_default_lock = threading.Lock()


def get_delivery_pool() -> DeliveryPool:
    """Return the process-wide delivery pool, created on first use."""
    global _default_pool
    with _default_lock:
        if _default_pool is None:
            _default_pool = DeliveryPool()
        return _default_pool


def set_delivery_pool(pool: DeliveryPool | None) -> None:
    """Make ``pool`` the process-wide pool (None: create one on next use)."""
    global _default_pool
    with _default_lock:
        _default_pool = pool
