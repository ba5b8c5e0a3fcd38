"""The process's HTTP connection pool: httpcore, without an HTTP client on top.

An ``httpx.Client`` costs a delivery more CPU than the connection pool
underneath does (request and response models, a cookie jar, redirect and auth
handling), and importing httpx imports its command line's dependencies too.
The delivery workers need none of it: they send one request and read the
answer. So :class:`ConnectionPools` hands requests to httpcore's pool
directly; :func:`prepare` does the little of a client's work that a service
needs: an international host name, non-ASCII characters in the path, and the
``user:password@`` of a URL as HTTP Basic authentication.
"""

from __future__ import annotations

import base64
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

if TYPE_CHECKING:
    import ssl

    import httpcore

#: Characters left as they are in a URL's path and query (the rest is percent-encoded).
_SAFE = "/?=&;:@!$'()*+,%-._~"
#: A request goes out as headers, then body: without TCP_NODELAY the body
#: waits for the server's delayed ACK of the headers (40 ms on Linux).
_SOCKET_OPTIONS = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


@dataclass(frozen=True)
class Answer:
    """A service's answer, read to the end.

    Attributes:
        status: The status code.
        reason: The reason phrase, such as ``"OK"``.
        headers: The headers, names in lower case (the last of repeated ones).
        body: The body.
    """

    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes

    @property
    def is_success(self) -> bool:
        """Whether the status is 2xx."""
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        """The body as text (UTF-8, undecodable bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")


def prepare(url: str, headers: Mapping[str, str]) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """Return the URL as the bytes to request and the headers to send with it.

    Raises:
        ValueError: It is not an ``http://`` or ``https://`` address with a host.
    """
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError("it is not an http:// or https:// address")
    port = parts.port  # raises ValueError when it is not a number
    netloc = host.encode("idna").decode("ascii")
    if ":" in netloc:
        netloc = f"[{netloc}]"  # an IPv6 address
    if port is not None:
        netloc += f":{port}"
    target = quote(parts.path or "/", safe=_SAFE)
    if parts.query:
        target += "?" + quote(parts.query, safe=_SAFE)
    encoded = [(name.encode("ascii"), value.encode()) for name, value in headers.items()]
    if parts.username is not None and not any(n.lower() == b"authorization" for n, _ in encoded):
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        encoded.append((b"Authorization", b"Basic " + base64.b64encode(pair)))
    return f"{parts.scheme}://{netloc}{target}".encode("ascii"), encoded


class ConnectionPools:
    """Keep-alive connections for ``http://`` and ``https://``, direct or through a proxy.

    The TLS context (with the CA bundle, which takes tens of milliseconds to
    load) is built once, on the first ``https://`` request. The proxies are
    those of the environment (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``,
    ``NO_PROXY``) when the first request is sent, as an ``httpx.Client`` reads
    them.

    Args:
        timeouts: Seconds for ``connect``, ``read``, ``write`` and ``pool``.
    """

    def __init__(self, timeouts: Mapping[str, float]) -> None:
        self._timeouts = dict(timeouts)
        self._lock = threading.Lock()
        self._pools: dict[tuple[str, str | None], httpcore.ConnectionPool | httpcore.HTTPProxy] = {}
        self._proxies: dict[str, str] | None = None
        self._context: ssl.SSLContext | None = None

    def send(self, method: str, url: str, content: bytes, headers: Mapping[str, str]) -> Answer:
        """Send one request and read the whole answer.

        Raises:
            ValueError: The URL is not one to send to.
            Exception: httpcore's errors (connection, timeout, protocol).
        """
        target, encoded = prepare(url, headers)
        scheme = "https" if target.startswith(b"https:") else "http"
        response = self._pool(scheme, urlsplit(url).hostname or "").request(
            method, target, headers=encoded, content=content, extensions={"timeout": self._timeouts}
        )
        reason = response.extensions.get("reason_phrase", b"")
        return Answer(
            status=response.status,
            reason=reason.decode("ascii", errors="replace") if isinstance(reason, bytes) else "",
            headers={n.decode("latin-1").lower(): v.decode("latin-1") for n, v in response.headers},
            body=response.content,
        )

    def close(self) -> None:
        """Close every connection; a later request opens new ones."""
        with self._lock:
            pools, self._pools, self._proxies = list(self._pools.values()), {}, None
        for pool in pools:
            pool.close()

    def _pool(self, scheme: str, host: str) -> httpcore.ConnectionPool | httpcore.HTTPProxy:
        import urllib.request

        with self._lock:
            if self._proxies is None:
                self._proxies = urllib.request.getproxies_environment()
            proxy = self._proxies.get(scheme) or self._proxies.get("all")
            bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
            if proxy and bypass(host, self._proxies):
                proxy = None
            pool = self._pools.get((scheme, proxy))
            if pool is None:
                if scheme == "https" and self._context is None:
                    self._context = _tls_context()
                pool = self._pools[(scheme, proxy)] = _new_pool(
                    self._context if scheme == "https" else None, proxy
                )
            return pool


def _tls_context() -> ssl.SSLContext:
    """The CA bundle of ``SSL_CERT_FILE`` or ``SSL_CERT_DIR``, else certifi's (as httpx)."""
    import os
    import ssl

    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _new_pool(
    context: ssl.SSLContext | None, proxy: str | None
) -> httpcore.ConnectionPool | httpcore.HTTPProxy:
    # Imported on the first request: loading the built-in plugins should not pay for it.
    import httpcore

    options = {
        "ssl_context": context,
        "max_keepalive_connections": 64,
        "keepalive_expiry": 30,
        "http1": True,
        "http2": False,
        "socket_options": _SOCKET_OPTIONS,
    }
    if proxy is None:
        return httpcore.ConnectionPool(max_connections=None, **options)  # type: ignore[arg-type]
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        # The proxy's URL may hold a password: never show it.
        raise ValueError(f"the proxy set in the environment ({parts.scheme}://…) is not supported")
    auth = None
    if parts.username is not None:
        auth = (unquote(parts.username), unquote(parts.password or ""))
    address = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return httpcore.HTTPProxy(
        proxy_url=address,
        proxy_auth=auth,
        max_connections=None,
        **options,  # type: ignore[arg-type]
    )
