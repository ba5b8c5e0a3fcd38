"""Sending HTTP requests to services, with timeouts and retries."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from desktop_integrations.__about__ import __version__
from desktop_integrations.delivery.context import DELIVERY_ID_HEADER, current_sending
from desktop_integrations.delivery.http_pool import Answer, ConnectionPools
from desktop_integrations.delivery.network_errors import describe_network_error
from desktop_integrations.delivery.record import DeliveryError, Outcome, RetryLaterError
from desktop_integrations.delivery.retry import Pacer, RetryPolicy, parse_retry_after

logger = logging.getLogger(__name__)

#: Answers worth trying again: the service is busy or failing for now.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_BODY_EXCERPT = 200
#: Headers of every request, unless the caller gives its own.
DEFAULT_HEADERS = {"Accept": "*/*", "User-Agent": f"desktop-integrations/{__version__}"}
#: Headers of every JSON request.
JSON_HEADERS = {**DEFAULT_HEADERS, "Content-Type": "application/json; charset=utf-8"}


class HttpTransport:
    """Sends requests over one shared, thread-safe connection pool.

    One connection pool serves every request of the process: connections are
    kept alive and the TLS context (with its CA bundle) is built once.
    Requests go to httpcore's pool directly (see :mod:`.http_pool`): no
    cookie is kept from one service to the next and no redirect is followed.
    At most ``per_host`` requests run at once to one destination.

    Connection errors, 429 and 5xx answers are tried again. A read timeout is
    not: the service may have received the request, and sending it again could
    post the message twice. Inside an outbox worker a retry goes back to the
    outbox (:class:`RetryLaterError`) rather than waiting on the worker, and a 429
    or 503 with ``Retry-After`` pauses that destination only.

    Args:
        connect_timeout: Seconds to wait for a connection.
        read_timeout: Seconds to wait for the answer.
        retry: When to try again.
        per_host: The most requests at once to one scheme, host and port.
        pacer: The destinations' pauses (default: this transport's own).
    """

    def __init__(
        self,
        connect_timeout: float = 5.0,
        read_timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        *,
        per_host: int = 8,
        pacer: Pacer | None = None,
    ) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.retry = retry or RetryPolicy()
        self.pacer = pacer or Pacer()
        self.per_host = per_host
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._pools = ConnectionPools(
            {"connect": connect_timeout, "read": read_timeout, "write": read_timeout,
             "pool": read_timeout}
        )  # fmt: skip

    def close(self) -> None:
        """Close the connections; a later request opens new ones."""
        self._pools.close()

    def _slot(self, origin: str) -> threading.BoundedSemaphore:
        with self._lock:
            slot = self._slots.get(origin)
            if slot is None:
                slot = self._slots[origin] = threading.BoundedSemaphore(self.per_host)
            return slot

    def request(
        self,
        method: str,
        url: str,
        *,
        content: bytes,
        headers: Mapping[str, str] | None = None,
    ) -> Outcome:
        """Send a request and return the service's answer.

        Raises:
            DeliveryError: Every attempt failed; says why, with the last answer.
            RetryLaterError: In an outbox worker: try again after ``wait`` seconds.
        """
        import httpcore

        state = current_sending()
        deferrable = state is not None and state.deferrable
        headers = _with_defaults(headers or {})
        if state is not None:
            headers.setdefault(DELIVERY_ID_HEADER, state.delivery_id)
        origin = _origin(url)
        attempt = state.attempts if state is not None else 0
        while True:
            paused = self.pacer.remaining(origin) if deferrable else 0.0
            if paused:
                raise RetryLaterError(f"{origin} asked to wait", wait=paused, attempts=attempt)
            attempt += 1
            retry_after: float | None = None
            try:
                with self._slot(origin):
                    response = self._pools.send(method, url, content, headers)
            except ValueError as e:
                raise DeliveryError(f"Cannot send to {origin}: {e}", attempts=attempt) from e
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                error = DeliveryError(
                    f"Could not connect to {origin}: {describe_network_error(e)}", attempts=attempt
                )
            except httpcore.TimeoutException as e:
                raise DeliveryError(
                    f"{origin} did not answer within {self.read_timeout} s", attempts=attempt
                ) from e
            except _request_errors() as e:
                raise DeliveryError(
                    f"The request to {origin} failed: {_describe(e)}", attempts=attempt
                ) from e
            else:
                answer = f"HTTP {response.status} {response.reason}".strip()
                logger.debug("%s %s/…: %s", method, origin, answer)
                if response.is_success:
                    return Outcome(answer, attempt)
                error = DeliveryError(
                    f"The service refused the message: {_excerpt(response)}",
                    response=answer,
                    attempts=attempt,
                )
                if response.status not in RETRY_STATUSES:
                    raise error
                retry_after = parse_retry_after(response.headers.get("retry-after"))
            if attempt >= self.retry.attempts:
                raise error
            wait = self.retry.delay(attempt, retry_after)
            if retry_after is not None:
                self.pacer.pause(origin, wait)
            logger.info(
                "Attempt %d to %s failed (%s); retrying in %.2f s", attempt, origin, error, wait
            )
            if deferrable:
                raise RetryLaterError(
                    str(error), wait=wait, response=error.response, attempts=attempt
                )
            self.retry.sleep(wait)

    def post_json(
        self, url: str, payload: Any, headers: Mapping[str, str] | None = None
    ) -> Outcome:
        """POST ``payload`` as JSON; see :meth:`request`."""
        return self.request(
            "POST",
            url,
            content=to_json_bytes(payload),
            headers={**JSON_HEADERS, **(headers or {})},
        )


def _with_defaults(headers: Mapping[str, str]) -> dict[str, str]:
    given = {name.lower() for name in headers}
    merged = {name: value for name, value in DEFAULT_HEADERS.items() if name.lower() not in given}
    merged.update(headers)
    return merged


def to_json_bytes(payload: Any) -> bytes:
    """Encode a payload as compact UTF-8 JSON: the exact bytes sent."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _origin(url: str) -> str:
    # The full URL of a chat webhook is a credential: never log or show it.
    parsed = urlsplit(url)
    try:
        port = parsed.port
    except ValueError:
        port = None
    return f"{parsed.scheme}://{parsed.hostname}" + (f":{port}" if port else "")


def _request_errors() -> tuple[type[Exception], ...]:
    import httpcore

    return (
        httpcore.NetworkError, httpcore.ProtocolError, httpcore.ProxyError,
        httpcore.UnsupportedProtocol,
    )  # fmt: skip


def _describe(error: Exception) -> str:
    # Some messages may hold the URL, whose path may be a credential.
    return type(error).__name__ if "://" in str(error) else str(error) or type(error).__name__


def _excerpt(response: Answer) -> str:
    text = response.text.strip().replace("\n", " ")
    if len(text) > _BODY_EXCERPT:
        text = text[:_BODY_EXCERPT] + "..."
    return text or "(no details given)"
