"""The Webhook integration, against a local server that records requests."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.webhook import WebhookExtension
from tests.servers import RecordingServer, installed

EVENT = Event(
    kind="build.failed",
    title="Build failed",
    body="Ünïcode body",
    url="https://ci.example.com/42",
    fields={"branch": "main"},
    level="error",
    timestamp=datetime(2024, 5, 1, 12, 30, tzinfo=UTC),
)


@pytest.fixture
def webhook(manager: IntegrationManager) -> Iterator[IntegrationManager]:
    with installed(manager, WebhookExtension):
        yield manager


def save(manager: IntegrationManager, **data: object) -> None:
    integration = manager.get_integration("builtin.webhook")
    form = integration.build_config_form(data={"name": "Hook", **data})
    assert form.is_valid(), form.errors
    form.save()


def test_the_event_is_posted_as_json_with_top_level_fields(
    webhook: IntegrationManager, server: RecordingServer
) -> None:
    save(webhook, url=server.url + "/in", headers=["Authorization: Bearer abc", "X-Team: ops"])
    [delivery] = emit(EVENT).wait(10)
    [request] = server.requests
    assert request.path == "/in"
    assert request.json() == {
        "kind": "build.failed",
        "title": "Build failed",
        "body": "Ünïcode body",
        "url": "https://ci.example.com/42",
        "fields": {"branch": "main"},
        "level": "error",
        "timestamp": "2024-05-01T12:30:00+00:00",
    }
    assert request.headers["Authorization"] == "Bearer abc"
    assert request.headers["X-Team"] == "ops"
    assert request.headers["X-Event-Kind"] == "build.failed"
    assert "X-Signature-256" not in request.headers
    assert delivery.ok


def test_with_a_secret_the_body_carries_its_hmac_signature(
    webhook: IntegrationManager, server: RecordingServer
) -> None:
    save(webhook, url=server.url, secret="s3cr3t-value")
    emit(EVENT).wait(10)
    [request] = server.requests
    expected = hmac.new(b"s3cr3t-value", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Signature-256"] == f"sha256={expected}"


def test_the_secret_is_not_stored_in_plaintext(webhook: IntegrationManager) -> None:
    save(webhook, url="https://example.com/hook", secret="s3cr3t-value")
    raw = b"".join(p.read_bytes() for p in webhook.store.path.parent.iterdir() if p.is_file())
    assert b"s3cr3t-value" not in raw
    [config] = webhook.get_integration("builtin.webhook").get_configs()
    assert config.get("secret") == "s3cr3t-value"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("NoColon", "write it as 'Name: value'"),
        ("Bad Name: x", "'Bad Name' is not a valid header name"),
        (": value", "write it as 'Name: value'"),
    ],
)
def test_each_bad_header_is_reported_with_its_position(
    webhook: IntegrationManager, line: str, reason: str
) -> None:
    integration = webhook.get_integration("builtin.webhook")
    form = integration.build_config_form(
        data={"name": "Hook", "url": "https://example.com", "headers": ["X-Ok: 1", line]}
    )
    assert form.errors == {"headers": [f"Header 2: {reason}."]}
