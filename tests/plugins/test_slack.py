"""The Slack integration, against a local server standing in for Slack."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.attachments import Attachment, AttachmentField

from desktop_integrations import IntegrationManager
from desktop_integrations.delivery import recent_deliveries
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.slack import SlackExtension, slack_payload
from tests.servers import RecordingServer, installed

EVENT = Event(
    kind="build.failed",
    title="Build #42 failed <main>",
    body="3 tests failed & 1 was skipped",
    url="https://ci.example.com/42",
    fields={"branch": "main", "commit": "a1b2c3d"},
    level="error",
    timestamp=datetime(2024, 5, 1, 12, 30, tzinfo=UTC),
)


@pytest.fixture
def slack(manager: IntegrationManager) -> Iterator[IntegrationManager]:
    with installed(manager, SlackExtension):
        yield manager


def test_an_event_is_posted_in_the_incoming_webhook_format(
    slack: IntegrationManager, server: RecordingServer
) -> None:
    integration = slack.get_integration("builtin.slack")
    settings = {
        "webhook_url": server.url + "/services/T0/B0/x",
        "channel": "#builds",
        "username": "CI",
    }
    config = integration.create_config(enabled=True, name="Builds", settings=settings, save=True)
    [delivery] = emit(EVENT).wait(10)
    [request] = server.requests
    assert (request.method, request.path) == ("POST", "/services/T0/B0/x")
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.json() == {
        "text": "Error: Build #42 failed &lt;main&gt;",
        "channel": "#builds",
        "username": "CI",
        "attachments": [
            {
                "fallback": "Error: Build #42 failed &lt;main&gt;",
                "color": "#d93025",
                "title": "Build #42 failed &lt;main&gt;",
                "title_link": "https://ci.example.com/42",
                "text": "3 tests failed &amp; 1 was skipped",
                "fields": [
                    {"title": "branch", "value": "main", "short": True},
                    {"title": "commit", "value": "a1b2c3d", "short": True},
                ],
                "footer": "build.failed",
                "ts": 1714566600,
            }
        ],
    }
    assert (delivery.status, delivery.response) == ("delivered", "HTTP 200 OK")
    assert recent_deliveries(slack.store, config.id) == [delivery]


def test_optional_settings_left_empty_are_left_out(
    slack: IntegrationManager, server: RecordingServer
) -> None:
    integration = slack.get_integration("builtin.slack")
    integration.create_config(
        enabled=True, name="Builds", settings={"webhook_url": server.url}, save=True
    )
    emit(Event(title="Deployed", level="success")).wait(10)
    payload = server.requests[0].json()
    assert "channel" not in payload and "username" not in payload
    assert "title_link" not in payload["attachments"][0]
    assert payload["attachments"][0]["color"] == "#22a06b"


def test_a_refusal_is_logged_with_slacks_answer(
    slack: IntegrationManager, server: RecordingServer
) -> None:
    server.reply(404, body=b"no_service")
    integration = slack.get_integration("builtin.slack")
    config = integration.create_config(
        enabled=True, name="Old hook", settings={"webhook_url": server.url}, save=True
    )
    [delivery] = emit(EVENT).wait(10)
    [logged] = recent_deliveries(slack.store, config.id)
    assert logged.status == "failed" and logged.response == "HTTP 404 Not Found"
    assert "no_service" in logged.error and logged == delivery


def test_a_webhook_url_is_required_and_checked(slack: IntegrationManager) -> None:
    integration = slack.get_integration("builtin.slack")
    form = integration.build_config_form(data={"name": "Builds", "webhook_url": "not a url"})
    assert list(form.errors) == ["webhook_url"]
    assert "webhook_url" in integration.build_config_form(data={"name": "Builds"}).errors


def validated(payload: dict[str, Any]) -> None:
    """Check a payload with slack_sdk's own models, which raise on any limit broken."""
    for data in payload["attachments"]:
        fields = [AttachmentField(**field) for field in data["fields"]]
        Attachment(**{**data, "fields": fields}).validate_json()


def test_every_limit_slack_sdk_enforces_is_kept_and_cuts_are_marked() -> None:
    event = Event(kind="k" * 1000, title="t" * 50_000, body="b" * 50_000, fields={"f": "v"})
    payload = slack_payload(event)
    validated(payload)
    [attachment] = payload["attachments"]
    assert len(attachment["footer"]) == 300 and attachment["footer"].endswith("…")
    assert len(payload["text"]) == 40_000 and payload["text"].endswith("…")


@given(
    kind=st.text(min_size=1, max_size=600),
    title=st.text(min_size=1, max_size=200).filter(str.strip),
    fields=st.dictionaries(st.text(max_size=50), st.text(max_size=100), max_size=5),
)
@settings(max_examples=40, deadline=None)
def test_any_event_gives_attachments_slack_sdk_accepts(
    kind: str, title: str, fields: dict[str, str]
) -> None:
    validated(slack_payload(Event(kind=kind, title=title, fields=fields)))


def test_a_cut_never_splits_an_escaped_character() -> None:
    payload = slack_payload(Event(kind="a" * 297 + "&&&&", title="x"))
    assert payload["attachments"][0]["footer"] == "a" * 297 + "…"


def test_event_text_cannot_become_a_link_or_a_mention() -> None:
    event = Event(title="<https://evil.example/|Reset password> <!channel>", body="<@U123>")
    payload = slack_payload(event)
    assert "<" not in json.dumps(payload) and ">" not in json.dumps(payload)
    assert payload["text"] == (
        "Info: &lt;https://evil.example/|Reset password&gt; &lt;!channel&gt;"
    )
