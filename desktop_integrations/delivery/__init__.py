"""Delivering events to services: transports, the worker pool and the delivery log.

Integrations that send events derive from :class:`ServiceIntegration`. The
pool runs every delivery on a worker thread, with timeouts and retries, and
records it in the delivery log (the ``deliveries`` table).
"""

from desktop_integrations.delivery.http import HttpTransport
from desktop_integrations.delivery.log import recent_deliveries, record_delivery
from desktop_integrations.delivery.pool import DeliveryPool, get_delivery_pool, set_delivery_pool
from desktop_integrations.delivery.record import Delivery, DeliveryError, Outcome
from desktop_integrations.delivery.retry import RetryPolicy
from desktop_integrations.delivery.service import (
    ServiceConfigForm,
    ServiceIntegration,
    make_test_event,
    service_fieldsets,
)
from desktop_integrations.delivery.smtp import SmtpServer, SmtpTransport

__all__ = [
    "Delivery",
    "DeliveryError",
    "DeliveryPool",
    "HttpTransport",
    "Outcome",
    "RetryPolicy",
    "ServiceConfigForm",
    "ServiceIntegration",
    "SmtpServer",
    "SmtpTransport",
    "get_delivery_pool",
    "make_test_event",
    "recent_deliveries",
    "record_delivery",
    "service_fieldsets",
    "set_delivery_pool",
]
