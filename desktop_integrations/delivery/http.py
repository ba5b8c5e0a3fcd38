"""Sending HTTP requests to services, with timeouts and retries."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from desktop_integrations.__about__ import __version__
from desktop_integrations.delivery.record import DeliveryError, Outcome
from desktop_integrations.delivery.retry import RetryPolicy, parse_retry_after

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
    """Sends one request, retrying on connection errors, 429 and 5xx answers.

    A read timeout is not retried: the service may have received the request,
    and sending it again could post the message twice.

    Args:
        connect_timeout: Seconds to wait for a connection.
        read_timeout: Seconds to wait for the answer.
        retry: When to try again.
    """

    def __init__(
        self,
        connect_timeout: float = 5.0,
        read_timeout: float = 15.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        # httpx is imported on the first request: loading the built-in
        # plugins at start-up should not pay for it.
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.retry = retry or RetryPolicy()

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
        """
        import httpx

        attempt = 0
        timeout = httpx.Timeout(self.read_timeout, connect=self.connect_timeout)
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            while True:
                attempt += 1
                retry_after: float | None = None
                try:
                    response = client.request(method, url, content=content, headers=headers)
                except (httpx.ConnectError, httpx.ConnectTimeout) as e:
                    error = DeliveryError(
                        f"Could not connect to {_origin(url)}: {e or type(e).__name__}",
                        attempts=attempt,
                    )
                except httpx.TimeoutException as e:
                    raise DeliveryError(
                        f"{_origin(url)} did not answer within {self.read_timeout} s",
                        attempts=attempt,
                    ) from e
                except httpx.HTTPError as e:
                    raise DeliveryError(
                        f"The request to {_origin(url)} failed: {e}", attempts=attempt
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
                logger.info(
                    "Attempt %d to %s failed (%s); retrying in %.2f s",
                    attempt,
                    _origin(url),
                    error,
                    wait,
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


def to_json_bytes(payload: Any) -> bytes:
    """Encode a payload as compact UTF-8 JSON: the exact bytes sent."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _origin(url: str) -> str:
    # The full URL of a chat webhook is a credential: never log or show it.
    parsed = urlsplit(url)
    return f"{parsed.scheme}://{parsed.hostname}" + (f":{parsed.port}" if parsed.port else "")


def _excerpt(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    if len(text) > _BODY_EXCERPT:
        text = text[:_BODY_EXCERPT] + "..."
    return text or "(no details given)"
