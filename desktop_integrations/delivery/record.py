"""What a delivery attempt produced: the record kept in the delivery log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from desktop_integrations.errors import IntegrationError
from desktop_integrations.redaction import redact_urls

Status = Literal["delivered", "failed"]


class DeliveryError(IntegrationError):
    """Sending to a service failed.

    Attributes:
        response: The service's last answer ("HTTP 500 Internal Server
            Error", an SMTP reply), or empty if it never answered.
        attempts: How many times sending was tried.
    """

    def __init__(self, message: str, *, response: str = "", attempts: int = 1) -> None:
        super().__init__(message)
        self.response = response
        self.attempts = attempts


class RetryLaterError(DeliveryError):
    """A send that should be tried again later, without holding up a worker.

    Raised by the transports, while a worker of the outbox runs the send, in
    place of waiting between attempts; the worker puts the delivery back in
    the outbox until then.

    Attributes:
        wait: Seconds to wait before the next attempt.
    """

    def __init__(self, message: str, *, wait: float, response: str = "", attempts: int = 1) -> None:
        super().__init__(message, response=response, attempts=attempts)
        self.wait = wait


@dataclass(frozen=True)
class Outcome:
    """A successful send.

    Attributes:
        response: The service's answer, such as ``"HTTP 200 OK"``.
        attempts: How many times sending was tried.
    """

    response: str
    attempts: int = 1


@dataclass(frozen=True)
class Delivery:
    """One event sent (or not) through one configuration: a delivery-log row.

    Attributes:
        config_id: The configuration's ID; None for one never saved.
        config_name: The configuration's name when the event was sent.
        integration_id: The integration's ID.
        event_kind: The event's kind.
        time: When the last attempt started (UTC).
        status: ``"delivered"`` or ``"failed"``.
        response: The service's last answer, if any.
        duration_ms: How long the last attempt took (and the waits between
            attempts, when they ran on the worker).
        error: Why it failed; empty when delivered.
        attempts: How many times sending was tried.
        id: The row's ID in the delivery log, once recorded.
        delivery_id: The stable ID sent with it (``X-Delivery-Id``, the
            mail's ``Message-ID``, the Matrix transaction ID).
    """

    config_id: int | None
    config_name: str
    integration_id: str
    event_kind: str
    time: datetime
    status: Status
    response: str = ""
    duration_ms: float = 0.0
    error: str = ""
    attempts: int = 1
    id: int | None = None
    delivery_id: str = ""

    def __post_init__(self) -> None:
        # The delivery log is shown and kept: no URL in it may carry a
        # credential, whoever wrote the message (a plugin, a library).
        object.__setattr__(self, "error", redact_urls(self.error))
        object.__setattr__(self, "response", redact_urls(self.response))

    @property
    def ok(self) -> bool:
        """Whether the event was delivered."""
        return self.status == "delivered"

    def summary(self) -> str:
        """Return a one-line description, as the command line prints it."""
        where = f"{self.config_name!r} ({self.integration_id})"
        tries = f", {self.attempts} attempts" if self.attempts > 1 else ""
        took = f"{self.duration_ms:.0f} ms{tries}"
        if self.ok:
            return f"delivered  {where}: {self.response or 'done'} in {took}"
        answer = f" [{self.response}]" if self.response else ""
        if not self.attempts:  # never sent: no time to speak of
            return f"FAILED     {where}: {self.error}{answer}"
        return f"FAILED     {where}: {self.error}{answer} after {took}"
