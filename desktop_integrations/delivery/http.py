"""Sending HTTP requests to services, with timeouts and retries."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from desktop_integrations.__about__ import __version__
from desktop_integrations.delivery.context import DELIVERY_ID_HEADER, current_sending
from desktop_integrations.delivery.network_errors import describe_network_error
from desktop_integrations.delivery.record import DeliveryError, Outcome, RetryLaterError
from desktop_integrations.delivery.retry import Pacer, RetryPolicy, parse_retry_after

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger(__name__)

#: Answers worth trying again: the service is busy or failing for now.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_BODY_EXCERPT = 200
#: Headers of every JSON request.
JSON_HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "User-Agent": f"desktop-integrations/{__version__}",
}


class HttpTransport:
    """Sends requests over one shared, thread-safe connection pool.

    One ``httpx.Client`` serves every request of the process: connections are
    kept alive and the TLS context (with its CA bundle) is built once. At most
    ``per_host`` requests run at once to one destination.

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
        self._client: httpx.Client | None = None
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    def client(self) -> httpx.Client:
        """Return the shared client, created on first use."""
        with self._lock:
            if self._client is None:
                # httpx is imported on the first request: loading the built-in
                # plugins at start-up should not pay for it.
                import httpx

                self._client = httpx.Client(
                    timeout=httpx.Timeout(self.read_timeout, connect=self.connect_timeout),
                    follow_redirects=False,
                    transport=_transport(),
                )
            return self._client

    def close(self) -> None:
        """Close the connections; a later request opens new ones."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

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
        import httpx

        client = self.client()
        state = current_sending()
        deferrable = state is not None and state.deferrable
        headers = dict(headers or {})
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
                    response = client.request(method, url, content=content, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout) as e:
                error = DeliveryError(
                    f"Could not connect to {origin}: {describe_network_error(e)}", attempts=attempt
                )
            except httpx.TimeoutException as e:
                raise DeliveryError(
                    f"{origin} did not answer within {self.read_timeout} s", attempts=attempt
                ) from e
            except httpx.HTTPError as e:
                raise DeliveryError(
                    f"The request to {origin} failed: {_describe(e)}", attempts=attempt
                ) from e
            else:
                answer = f"HTTP {response.status_code} {response.reason_phrase}".strip()
                if response.is_success:
                    return Outcome(answer, attempt)
                error = DeliveryError(
                    f"The service refused the message: {_excerpt(response)}",
                    response=answer,
                    attempts=attempt,
                )
                if response.status_code not in RETRY_STATUSES:
                    raise error
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
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


def _transport() -> httpx.BaseTransport:
    """Return a transport that sets TLS up (the CA bundle: tens of ms) on its first use."""
    import socket

    import httpx

    limits = httpx.Limits(max_connections=None, max_keepalive_connections=64, keepalive_expiry=30)
    # A request goes out as headers, then body: without TCP_NODELAY the body
    # waits for the server's delayed ACK of the headers (40 ms on Linux).
    options = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]

    class Transport(httpx.BaseTransport):
        def __init__(self) -> None:
            self._lock = threading.Lock()
            # Plain http:// has no TLS to verify; https:// gets its own transport.
            self._plain = httpx.HTTPTransport(verify=False, limits=limits, socket_options=options)
            self._secure: httpx.HTTPTransport | None = None

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.scheme != "https":
                return self._plain.handle_request(request)
            with self._lock:
                if self._secure is None:
                    self._secure = httpx.HTTPTransport(limits=limits, socket_options=options)
                secure = self._secure
            return secure.handle_request(request)

        def close(self) -> None:
            self._plain.close()
            with self._lock:
                if self._secure is not None:
                    self._secure.close()

    return Transport()


def to_json_bytes(payload: Any) -> bytes:
    """Encode a payload as compact UTF-8 JSON: the exact bytes sent."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _origin(url: str) -> str:
    # The full URL of a chat webhook is a credential: never log or show it.
    parsed = urlsplit(url)
    return f"{parsed.scheme}://{parsed.hostname}" + (f":{parsed.port}" if parsed.port else "")


def _describe(error: Exception) -> str:
    # httpx puts the URL, whose path may be a credential, in some messages.
    return type(error).__name__ if "://" in str(error) else str(error) or type(error).__name__


def _excerpt(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    if len(text) > _BODY_EXCERPT:
        text = text[:_BODY_EXCERPT] + "..."
    return text or "(no details given)"
