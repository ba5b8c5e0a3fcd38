"""Local servers for delivery tests: an HTTP server that records requests, an SMTP server."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class RecordingServer:
    """An HTTP server on 127.0.0.1 that records every request and plays scripted replies.

    Replies queued with :meth:`reply` are used in order; after them, 200 "ok".
    While :attr:`gate` is clear, requests are recorded on arrival and answered
    only once it is set (or the server stops).
    """

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.replies: list[Reply] = []
        self.stopping = threading.Event()
        self.arrived = threading.Condition()
        self.gate = threading.Event()
        self.gate.set()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with owner.arrived:
                    owner.requests.append(
                        Recorded(self.command, self.path, dict(self.headers.items()), body)
                    )
                    reply = owner.replies.pop(0) if owner.replies else Reply()
                    owner.arrived.notify_all()
                while not owner.gate.is_set() and not owner.stopping.is_set():
                    owner.gate.wait(0.05)
                if reply.delay:
                    owner.stopping.wait(reply.delay)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_POST = do_PUT = do_GET = _handle  # noqa: N815 (http.server's names)

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def handle_one_request(self) -> None:
                # The client gave up waiting, as the timeout tests intend.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    super().handle_one_request()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def reply(
        self, status: int = 200, body: bytes = b"ok", delay: float = 0.0, **headers: str
    ) -> None:
        self.replies.append(
            Reply(status, body, {k.replace("_", "-"): v for k, v in headers.items()}, delay)
        )

    def start(self) -> RecordingServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@contextmanager
def recording_server() -> Iterator[RecordingServer]:
    server = RecordingServer().start()
    try:
        yield server
    finally:
        server.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: connections are refused."""
    return f"http://127.0.0.1:{free_port()}/hook"


class MailRecorder:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []
        self.refuse_with: str | None = None

    async def handle_DATA(  # noqa: N802 (aiosmtpd's name)
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        if self.refuse_with:
            return self.refuse_with
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(**kwargs: Any) -> Iterator[tuple[int, MailRecorder]]:
    from aiosmtpd.controller import Controller

    recorder = MailRecorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port, recorder
    finally:
        controller.stop()


def fast_pool(waits: list[float] | None = None, read_timeout: float = 2.0, workers: int = 2) -> Any:
    """A delivery pool with short timeouts whose retry waits are recorded, not slept."""
    from desktop_integrations.delivery import (
        DeliveryPool,
        HttpTransport,
        RetryPolicy,
        SmtpTransport,
    )

    recorded = waits if waits is not None else []
    retry = RetryPolicy(attempts=3, backoff=0.01, max_wait=30.0, sleep=recorded.append)
    return DeliveryPool(
        workers=workers,
        http=HttpTransport(connect_timeout=2.0, read_timeout=read_timeout, retry=retry),
        smtp=SmtpTransport(timeout=5.0, retry=retry),
    )


@contextmanager
def installed(manager: Any, extension_cls: type, workers: int = 2) -> Iterator[Any]:
    """Run a built-in extension on ``manager`` with a fast process-wide delivery pool."""
    from desktop_integrations.delivery import set_delivery_pool

    pool = fast_pool(workers=workers)
    set_delivery_pool(pool)
    extension = extension_cls(manager)
    extension.initialize()
    try:
        yield extension
    finally:
        extension.shutdown_hooks()
        set_delivery_pool(None)
        pool.shutdown()
