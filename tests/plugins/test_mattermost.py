"""The Mattermost integration, against a local server standing in for Mattermost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.delivery.payloads import slack_payload
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.mattermost import MattermostExtension
from tests.servers import RecordingServer, installed, recording_server


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


@pytest.fixture
def mattermost(manager: IntegrationManager) -> Iterator[IntegrationManager]:
    with installed(manager, MattermostExtension):
        yield manager


def test_an_event_is_posted_in_the_slack_compatible_format(
    mattermost: IntegrationManager, server: RecordingServer
) -> None:
    integration = mattermost.get_integration("builtin.mattermost")
    assert integration.name == "Mattermost"
    settings = {
        "webhook_url": server.url + "/hooks/xyz",
        "channel": "town-square",
        "username": "ci-bot",
    }
    integration.create_config(enabled=True, name="Team", settings=settings, save=True)
    event = Event(
        kind="deploy.done",
        title="Deployed",
        body="v2.1 is live",
        level="success",
        url="https://example.com/v2.1",
        fields={"version": "2.1"},
    )
    [delivery] = emit(event).wait(10)
    [request] = server.requests
    assert request.path == "/hooks/xyz"
    payload = request.json()
    assert payload == slack_payload(event, "town-square", "ci-bot")
    assert payload["channel"] == "town-square" and payload["username"] == "ci-bot"
    assert payload["attachments"][0]["title_link"] == "https://example.com/v2.1"
    assert delivery.ok
