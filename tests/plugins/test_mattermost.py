"""The Mattermost integration, against a local server standing in for Mattermost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.delivery.formatting import escape_markdown
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.mattermost import MattermostExtension
from desktop_integrations.plugins.slack import slack_payload
from tests.servers import RecordingServer, installed


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
    assert payload == slack_payload(event, "town-square", "ci-bot", escape_markdown)
    assert payload["channel"] == "town-square" and payload["username"] == "ci-bot"
    assert payload["attachments"][0]["title_link"] == "https://example.com/v2.1"
    assert delivery.ok


def test_event_text_is_escaped_for_mattermosts_markdown(
    mattermost: IntegrationManager, server: RecordingServer
) -> None:
    integration = mattermost.get_integration("builtin.mattermost")
    integration.create_config(
        enabled=True, name="Team", settings={"webhook_url": server.url}, save=True
    )
    event = Event(title="[Reset password](https://evil.example/) & <b>", body="**now**")
    emit(event).wait(10)
    payload = server.requests[0].json()
    assert payload["text"] == r"Info: \[Reset password\](https://evil.example/) & \<b\>"
    assert payload["attachments"][0]["text"] == r"\*\*now\*\*"
