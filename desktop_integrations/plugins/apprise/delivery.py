"""Sending an event through Apprise, with Apprise's own words when it fails."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import quote

from desktop_integrations.delivery import DeliveryError, Outcome, RetryLaterError, RetryPolicy
from desktop_integrations.delivery.context import current_sending
from desktop_integrations.events import Event

#: Apprise's notification types by event level.
NOTIFY_TYPES = {"info": "info", "success": "success", "warning": "warning", "error": "failure"}
_MASK = "…"
# What Apprise logs when a service is down or busy: worth another attempt.
_PASSING = re.compile(r"connection error|timed? ?out|error=(429|5\d\d)\b", re.IGNORECASE)


class _Capture(logging.Handler):
    """Keeps the warnings and errors Apprise logs on one thread."""

    def __init__(self, thread: int) -> None:
        super().__init__(logging.WARNING)
        self.thread = thread
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            try:
                self.messages.append(record.getMessage())
            except Exception:  # a malformed record must not break the delivery
                self.messages.append(str(record.msg))


@contextmanager
def _captured() -> Iterator[_Capture]:
    capture = _Capture(threading.get_ident())
    logger = logging.getLogger("apprise")
    logger.addHandler(capture)
    try:
        yield capture
    finally:
        logger.removeHandler(capture)


def redact(text: str, secrets: Iterable[str]) -> str:
    """Return ``text`` with every secret (and its URL-escaped form) masked."""
    for secret in sorted({s for s in secrets if len(s) >= 3}, key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote(secret)}:
            text = text.replace(form, _MASK)
    return text


def message_body(event: Event) -> str:
    """Return the text Apprise sends: the body, the event's fields, then its link."""
    lines = [event.body] if event.body else []
    lines += [f"{name}: {value}" for name, value in event.fields.items()]
    if event.url:
        lines.append(event.url)
    return "\n".join(lines) or event.title


def _reason(capture: _Capture, secrets: Iterable[str], fallback: str) -> str:
    text = " ".join(message.strip() for message in capture.messages if message.strip())
    return redact(text, secrets) if text else fallback


def _retryable(reason: str) -> bool:
    """Whether Apprise's reason says the service is unreachable or busy for now."""
    return bool(_PASSING.search(reason))


def deliver(
    url: str, event: Event, secrets: Iterable[str], service_name: str, retry: RetryPolicy
) -> Outcome:
    """Send through Apprise, trying again as the built-in services do.

    A connection failure or a 429 or 5xx answer is tried again after the
    policy's wait: on an outbox worker by handing the delivery back to the
    outbox, elsewhere by waiting here.

    Raises:
        DeliveryError: Apprise could not send it; says why.
        RetryLaterError: On an outbox worker: try again after ``wait`` seconds.
    """
    state = current_sending()
    attempt = state.attempts if state is not None else 0
    while True:
        attempt += 1
        try:
            outcome = notify(url, event, secrets, service_name)
        except DeliveryError as e:
            if not _retryable(str(e)) or attempt >= retry.attempts:
                raise DeliveryError(str(e), attempts=attempt) from None
            wait = retry.delay(attempt)
            if state is not None and state.deferrable:
                raise RetryLaterError(str(e), wait=wait, attempts=attempt) from None
            retry.sleep(wait)
        else:
            return Outcome(outcome.response, attempt)


def notify(url: str, event: Event, secrets: Iterable[str], service_name: str) -> Outcome:
    """Send ``event`` to the Apprise ``url`` once; raise DeliveryError with Apprise's reason.

    Apprise is asked to send on this thread, so that what it logs while doing
    so is this delivery's, whatever the other workers do.

    Args:
        url: The service's Apprise URL (it holds the credentials).
        event: The event.
        secrets: The credentials in the URL, masked in any message.
        service_name: The service's name, for messages.
    """
    import apprise

    secrets = [*secrets, url]
    with _captured() as capture:
        server = apprise.Apprise.instantiate(url, asset=apprise.AppriseAsset())
        if server is None:
            raise DeliveryError(
                _reason(capture, secrets, f"Apprise does not accept these {service_name} settings")
            )
        try:
            sent = server.notify(
                body=message_body(event),
                title=event.title,
                notify_type=NOTIFY_TYPES.get(event.level, "info"),
            )
        except Exception as e:  # a plugin's bug is this delivery's failure, not a traceback
            raise DeliveryError(
                redact(f"Apprise failed: {type(e).__name__}: {e}", secrets)
            ) from None
    if not sent:
        raise DeliveryError(
            _reason(capture, secrets, f"Apprise could not send to {service_name}"),
        )
    return Outcome(response=f"sent by Apprise to {service_name}")
