"""The Email integration, against a local aiosmtpd server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from desktop_integrations import IntegrationManager
from desktop_integrations.delivery import recent_deliveries
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.email import EmailExtension
from tests.servers import free_port, installed, smtp_server

EVENT = Event(
    kind="build.failed",
    title="Build failed",
    body="3 tests <failed>",
    url="https://ci.example.com/42",
    fields={"branch": "main"},
    level="error",
)


@pytest.fixture
def email(manager: IntegrationManager) -> Iterator[IntegrationManager]:
    with installed(manager, EmailExtension):
        yield manager


def configure(manager: IntegrationManager, port: int, **data: Any) -> int:
    integration = manager.get_integration("builtin.email")
    form = integration.build_config_form(
        data={
            "name": "Team mail",
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "security": "none",
            "from_address": "CI <ci@example.com>",
            "to_addresses": ["dev@example.com", "Ops <ops@example.com>"],
            **data,
        }
    )
    assert form.is_valid(), form.errors
    config_id = form.save().id
    assert config_id is not None
    return config_id


def test_an_event_is_mailed_as_text_with_an_html_alternative(
    email: IntegrationManager,
) -> None:
    with smtp_server() as (port, recorder):
        config_id = configure(email, port)
        [delivery] = emit(EVENT).wait(10)
    [(sender, recipients, message)] = recorder.messages
    assert sender == "ci@example.com"
    assert recipients == ["dev@example.com", "ops@example.com"]
    assert message["Subject"] == "[Error] Build failed"
    assert message["To"] == "dev@example.com, Ops <ops@example.com>"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content().replace("\r\n", "\n") == (
        "Error: Build failed\n\n3 tests <failed>\n\nbranch: main\n\nhttps://ci.example.com/42\n"
    )
    assert '<a href="https://ci.example.com/42">Build failed</a>' in html.get_content()
    assert "3 tests &lt;failed&gt;" in html.get_content()
    assert (delivery.status, delivery.response) == (
        "delivered",
        "SMTP 250 Message accepted for delivery",
    )
    assert recent_deliveries(email.store, config_id) == [delivery]


def test_the_account_logs_in_with_the_stored_password(email: IntegrationManager) -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(
        server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"pa55")

    with smtp_server(authenticator=authenticator, auth_require_tls=False) as (port, recorder):
        configure(email, port, authenticate=True, username="ci", password="pa55")
        [delivery] = emit(EVENT).wait(10)
    assert logins == [(b"ci", b"pa55")]
    assert delivery.ok and len(recorder.messages) == 1


def test_a_permanent_refusal_is_logged_with_the_servers_reply(email: IntegrationManager) -> None:
    with smtp_server() as (port, recorder):
        recorder.refuse_with = "554 Message rejected as spam"
        configure(email, port)
        [delivery] = emit(EVENT).wait(10)
    assert delivery.status == "failed" and delivery.attempts == 1
    assert delivery.response == "SMTP 554 Message rejected as spam"
    assert "refused the message" in delivery.error


def test_a_temporary_refusal_is_retried(email: IntegrationManager) -> None:
    with smtp_server() as (port, recorder):
        recorder.refuse_with = "451 Try again later"
        configure(email, port)
        [delivery] = emit(EVENT).wait(10)
    assert delivery.status == "failed" and delivery.attempts == 3
    assert delivery.response == "SMTP 451 Try again later"


def test_bad_addresses_are_reported_per_field(email: IntegrationManager) -> None:
    integration = email.get_integration("builtin.email")
    form = integration.build_config_form(
        data={
            "name": "Mail",
            "smtp_host": "localhost",
            "from_address": "nobody",
            "to_addresses": ["ok@example.com", "not an address"],
            "smtp_port": 0,
        }
    )
    assert form.errors == {
        "from_address": ["'nobody' is not a mail address."],
        "to_addresses": ["Recipient 2: 'not an address' is not a mail address."],
        "smtp_port": ["Enter 1 or more."],
    }


@pytest.mark.parametrize(
    ("security", "message"),
    [
        ("starttls", "failed: STARTTLS extension not supported by server."),
        ("ssl", "TLS with 127.0.0.1:"),
    ],
)
def test_tls_that_the_server_cannot_do_fails_at_once_with_the_reason(
    email: IntegrationManager, security: str, message: str
) -> None:
    with smtp_server() as (port, recorder):
        configure(email, port, security=security)
        [delivery] = emit(EVENT).wait(10)
    assert delivery.status == "failed" and delivery.attempts == 1
    assert message in delivery.error
    assert recorder.messages == []


def test_a_server_that_is_not_there_is_retried_then_reported(email: IntegrationManager) -> None:
    port = free_port()
    configure(email, port)
    [delivery] = emit(EVENT).wait(10)
    assert delivery.status == "failed" and delivery.attempts == 3
    assert delivery.error.startswith(f"Could not connect to 127.0.0.1:{port}: ")


def test_each_mail_has_its_own_message_id(email: IntegrationManager) -> None:
    with smtp_server() as (port, recorder):
        configure(email, port)
        emit(EVENT).wait(10)
        emit(EVENT).wait(10)
    ids = [str(message["Message-ID"]) for _, _, message in recorder.messages]
    assert len(set(ids)) == 2
    assert all(re.fullmatch(r"<[^<>@\s]+@example\.com>", value) for value in ids)


def test_a_title_with_line_breaks_is_folded_into_one_subject_line(
    email: IntegrationManager,
) -> None:
    with smtp_server() as (port, recorder):
        configure(email, port)
        [delivery] = emit(Event(kind="a\nb", title="Build\r\nfailed\n on main")).wait(10)
    assert delivery.ok, delivery.error
    [(_, _, message)] = recorder.messages
    assert str(message["Subject"]) == "[Info] Build failed on main"
    assert str(message["X-Event-Kind"]) == "a b"
    assert "Build\r\nfailed\r\n on main" in message.get_body(("plain",)).get_content()
