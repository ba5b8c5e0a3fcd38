"""The delivery a worker is sending: its stable ID and the attempts made before.

Transports read it to label what they send (``X-Delivery-Id``, the mail's
``Message-ID``) and, inside the outbox's workers, to hand a retry back to the
outbox instead of sleeping on the worker.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

#: The header that carries the delivery ID on HTTP requests.
DELIVERY_ID_HEADER = "X-Delivery-Id"


@dataclass(frozen=True)
class Sending:
    """The delivery being sent on this thread.

    Attributes:
        delivery_id: The stable delivery ID: the same on every attempt and
            after a restart.
        attempts: How many attempts were made before this one.
        deferrable: Whether a retry goes back to the outbox (raise
            :class:`~desktop_integrations.delivery.record.RetryLaterError`) rather
            than being waited for on this thread.
    """

    delivery_id: str
    attempts: int = 0
    deferrable: bool = False


_sending: contextvars.ContextVar[Sending | None] = contextvars.ContextVar("sending", default=None)


def new_delivery_id() -> str:
    """Return a new, unique delivery ID."""
    return uuid.uuid4().hex


def current_sending() -> Sending | None:
    """Return the delivery being sent on this thread, if any."""
    return _sending.get()


def delivery_id() -> str:
    """Return the ID of the delivery being sent, or a new one outside a delivery.

    A plugin that needs an idempotency key (such as a Matrix transaction ID)
    uses this one, so a repeated delivery carries the same key.
    """
    sending = _sending.get()
    return sending.delivery_id if sending is not None else new_delivery_id()


@contextmanager
def sending(state: Sending) -> Iterator[None]:
    """Make ``state`` the delivery being sent for the block."""
    token = _sending.set(state)
    try:
        yield
    finally:
        _sending.reset(token)
