"""The worker pool that sends deliveries off the emitter's and the UI's threads."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.delivery.http import HttpTransport
from desktop_integrations.delivery.log import record_delivery
from desktop_integrations.delivery.record import Delivery, DeliveryError, Outcome, Status
from desktop_integrations.delivery.smtp import SmtpTransport
from desktop_integrations.errors import StoreError
from desktop_integrations.events import Event, current_emission
from desktop_integrations.storage import Store

logger = logging.getLogger(__name__)

#: Sends the event; returns the service's answer or raises DeliveryError.
Send = Callable[[], Outcome]


class DeliveryPool:
    """Runs deliveries on worker threads and records each in the delivery log.

    A delivery started while a receiver of an emitted event runs is added to
    that :class:`~desktop_integrations.events.Emission`, so the emitter can
    wait for it.

    Args:
        workers: How many deliveries run at once.
        http: Sends HTTP requests (timeouts, retries).
        smtp: Sends mail (timeouts, retries).
    """

    def __init__(
        self,
        workers: int = 4,
        http: HttpTransport | None = None,
        smtp: SmtpTransport | None = None,
    ) -> None:
        self.http = http or HttpTransport()
        self.smtp = smtp or SmtpTransport()
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="delivery")

    def submit(
        self, store: Store, config: IntegrationConfig, event: Event, send: Send
    ) -> Future[Delivery]:
        """Run ``send`` on a worker; the future's result is the logged delivery.

        The future never raises: a failure is a delivery whose status is
        ``"failed"`` and whose ``error`` says why.
        """
        started = datetime.now(UTC)
        name, config_id = config.name, config.id
        integration_id = config.integration_id

        def run() -> Delivery:
            clock = time.perf_counter()
            status: Status = "failed"
            response = error = ""
            attempts = 1
            try:
                outcome = send()
            except DeliveryError as e:
                error, response, attempts = str(e), e.response, e.attempts
            except Exception as e:
                logger.exception("Delivery to %r failed unexpectedly", name)
                error = f"Unexpected error: {type(e).__name__}: {e}"
            else:
                status, response, attempts = "delivered", outcome.response, outcome.attempts
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
            )
            return self._record(store, delivery)

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
        except StoreError:
            logger.exception("Could not record the delivery to %r", delivery.config_name)
            return delivery

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking deliveries; with ``wait``, let the running ones finish."""
        self._executor.shutdown(wait=wait, cancel_futures=not wait)


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
