"""Delivering events to services: transports, the outbox, the workers and the delivery log.

Integrations that send events derive from :class:`ServiceIntegration`.
``emit()`` writes each event's deliveries to the store's outbox
(``outbox.py``); the pool's workers (``dispatch.py``) take them in small
batches, send them over the shared transports (``http.py``, ``smtp.py``)
with retries and per-destination pacing, and record the outcomes in the
delivery log (``log.py``) in batches. Delivery is at least once; each
delivery carries a stable ID (:func:`delivery_id`) so a receiver can drop a
repeat.
"""

from desktop_integrations.delivery.context import DELIVERY_ID_HEADER, delivery_id
from desktop_integrations.delivery.http import HttpTransport
from desktop_integrations.delivery.log import recent_deliveries, record_delivery
from desktop_integrations.delivery.pool import DeliveryPool, get_delivery_pool, set_delivery_pool
from desktop_integrations.delivery.record import Delivery, DeliveryError, Outcome, RetryLaterError
from desktop_integrations.delivery.retry import Pacer, RetryPolicy
from desktop_integrations.delivery.service import (
    OutboxHook,
    ServiceConfigForm,
    ServiceIntegration,
    make_test_event,
    service_fieldsets,
)
from desktop_integrations.delivery.smtp import SmtpServer, SmtpTransport

__all__ = [
    "DELIVERY_ID_HEADER",
    "Delivery",
    "DeliveryError",
    "DeliveryPool",
    "HttpTransport",
    "OutboxHook",
    "Outcome",
    "Pacer",
    "RetryLaterError",
    "RetryPolicy",
    "ServiceConfigForm",
    "ServiceIntegration",
    "SmtpServer",
    "SmtpTransport",
    "delivery_id",
    "get_delivery_pool",
    "make_test_event",
    "recent_deliveries",
    "record_delivery",
    "service_fieldsets",
    "set_delivery_pool",
]
