"""Sending mail through an SMTP server, with timeouts and retries."""

from __future__ import annotations

import base64
import email.policy
import smtplib
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import Literal

from desktop_integrations.delivery.context import current_sending
from desktop_integrations.delivery.record import DeliveryError, Outcome, RetryLaterError
from desktop_integrations.delivery.retry import RetryPolicy

Security = Literal["none", "starttls", "ssl"]


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send mail.

    Attributes:
        host: The server's host name.
        port: The server's port.
        security: ``"none"``, ``"starttls"`` (upgrade a plain connection) or
            ``"ssl"`` (TLS from the start).
        username: The login name; empty to send without logging in.
        password: The login password.
    """

    host: str
    port: int
    security: Security = "starttls"
    username: str = ""
    password: str = ""


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode(errors="replace") if isinstance(message, bytes) else message
    return f"SMTP {code} {' '.join(text.split())}".strip()


def _describe(server: SmtpServer, error: Exception, attempt: int) -> tuple[DeliveryError, bool]:
    """Explain a failed send, and say whether trying again may help."""
    where = f"{server.host}:{server.port}"
    if isinstance(error, smtplib.SMTPResponseException):
        reply = _reply(error.smtp_code, error.smtp_error)
        # 4xx replies mean "try again later"; 5xx ones are final.
        return (
            DeliveryError(
                f"The mail server refused the message: {reply}", response=reply, attempts=attempt
            ),
            400 <= error.smtp_code < 500,
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(
            f"{address} ({_reply(code, text)})"
            for address, (code, text) in error.recipients.items()
        )
        message = f"The mail server refused the recipients: {refused}"
        return DeliveryError(message, attempts=attempt), False
    if isinstance(error, ssl.SSLError):
        reason = str(error.reason or error)
        return DeliveryError(f"TLS with {where} failed: {reason}", attempts=attempt), False
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPException):
        # SMTPException derives from OSError: only a dropped connection is worth a retry.
        temporary = isinstance(error, smtplib.SMTPServerDisconnected)
        return DeliveryError(
            f"Sending through {where} failed: {error}", attempts=attempt
        ), temporary
    if isinstance(error, OSError):
        reason = error.strerror or str(error) or type(error).__name__
        return DeliveryError(f"Could not connect to {where}: {reason}", attempts=attempt), True
    raise error


class SmtpTransport:
    """Sends messages, reusing open connections, retrying when a server is busy.

    A connection to a server (host, port, security and login) is kept open
    after a message and reused by the next one; a kept connection that the
    server has closed meanwhile is replaced without counting an attempt.
    Inside an outbox worker a retry goes back to the outbox
    (:class:`RetryLaterError`) rather than waiting on the worker. Each message
    sent for a delivery carries its delivery ID as its ``Message-ID``.

    Args:
        timeout: Seconds to wait for the server at each step.
        retry: When to try again.
        keep: The most idle connections kept per server.
    """

    def __init__(
        self, timeout: float = 15.0, retry: RetryPolicy | None = None, *, keep: int = 2
    ) -> None:
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.keep = keep
        self._lock = threading.Lock()
        self._idle: dict[SmtpServer, list[smtplib.SMTP]] = {}
        self._tls: ssl.SSLContext | None = None

    def send(self, server: SmtpServer, message: EmailMessage) -> Outcome:
        """Send ``message`` and return the server's reply to it.

        Raises:
            DeliveryError: Every attempt failed; says why, with the last reply.
            RetryLaterError: In an outbox worker: try again after ``wait`` seconds.
        """
        state = current_sending()
        if state is not None:
            # Keep the domain the message was given; the delivery ID makes it stable.
            given = str(message.get("Message-ID", "")).strip("<> ")
            domain = given.rpartition("@")[2] or "desktop-integrations"
            del message["Message-ID"]
            message["Message-ID"] = f"<{state.delivery_id}@{domain}>"
        attempt = state.attempts if state is not None else 0
        while True:
            attempt += 1
            try:
                return Outcome(self._send_once(server, message), attempt)
            except Exception as e:
                error, temporary = _describe(server, e, attempt)
                if not temporary or attempt >= self.retry.attempts:
                    raise error from e
            wait = self.retry.delay(attempt)
            if state is not None and state.deferrable:
                raise RetryLaterError(
                    str(error), wait=wait, response=error.response, attempts=attempt
                )
            self.retry.sleep(wait)

    def close(self) -> None:
        """Close the kept (idle) connections; those in use are kept after their send."""
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for smtp in connections:
                _quit(smtp)

    def _send_once(self, server: SmtpServer, message: EmailMessage) -> str:
        smtp = self._take(server)
        if smtp is not None:
            try:
                answer = _transmit(smtp, message)
            except smtplib.SMTPServerDisconnected:
                _quit(smtp)  # it timed out while idle: a fresh connection follows
            except BaseException:
                _quit(smtp)
                raise
            else:
                self._give_back(server, smtp)
                return answer
        smtp = self._connect(server)
        try:
            answer = _transmit(smtp, message)
        except BaseException:
            _quit(smtp)
            raise
        self._give_back(server, smtp)
        return answer

    def _connect(self, server: SmtpServer) -> smtplib.SMTP:
        smtp: smtplib.SMTP
        if server.security == "ssl":
            smtp = smtplib.SMTP_SSL(
                server.host, server.port, timeout=self.timeout, context=self._tls_context()
            )
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if server.security == "starttls":
                smtp.starttls(context=self._tls_context())
                smtp.ehlo()
            if server.username:
                _login(smtp, server.username, server.password)
        except BaseException:
            _quit(smtp)
            raise
        return smtp

    def _tls_context(self) -> ssl.SSLContext:
        """The transport's one TLS context: the CA bundle is loaded once."""
        with self._lock:
            if self._tls is None:
                self._tls = ssl.create_default_context()
            return self._tls

    def _take(self, server: SmtpServer) -> smtplib.SMTP | None:
        with self._lock:
            connections = self._idle.get(server)
            return connections.pop() if connections else None

    def _give_back(self, server: SmtpServer, smtp: smtplib.SMTP) -> None:
        with self._lock:
            connections = self._idle.setdefault(server, [])
            if len(connections) < self.keep:
                connections.append(smtp)
                return
        _quit(smtp)


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    """Log in; credentials beyond ASCII go as UTF-8 (RFC 4616), which smtplib cannot."""
    if (username + password).isascii():
        smtp.login(username, password)
        return
    offered = smtp.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" in offered:
        token = base64.b64encode(f"\0{username}\0{password}".encode()).decode()
        code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    elif "LOGIN" in offered:
        code, reply = smtp.docmd("AUTH", "LOGIN " + base64.b64encode(username.encode()).decode())
        if code == 334:
            code, reply = smtp.docmd(base64.b64encode(password.encode()).decode())
    else:
        raise smtplib.SMTPException(
            "the user name or password holds characters beyond ASCII, and the server "
            "offers neither AUTH PLAIN nor AUTH LOGIN to send them as UTF-8"
        )
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, reply)


def _transmit(smtp: smtplib.SMTP, message: EmailMessage) -> str:
    # smtplib's send_message() drops the server's reply to the message; the
    # delivery log shows it, so the envelope is sent step by step.
    sender = parseaddr(str(message["From"]))[1]
    recipients = [address for _, address in getaddresses([str(message["To"])]) if address]
    code, text = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, text, sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for recipient in recipients:
        code, text = smtp.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, text)
    if len(refused) == len(recipients):
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    code, text = smtp.data(message.as_bytes(policy=email.policy.SMTP))
    if code != 250:
        raise smtplib.SMTPDataError(code, text)
    answer = _reply(code, text)
    if refused:
        answer += "; refused: " + ", ".join(
            f"{address} ({_reply(*reply)})" for address, reply in refused.items()
        )
    return answer
