"""The Discord integration, against a local server standing in for Discord."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.discord import DiscordExtension
from tests.servers import RecordingServer, installed, recording_server


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


@pytest.fixture
def discord(manager: IntegrationManager) -> Iterator[IntegrationManager]:
    with installed(manager, DiscordExtension):
        yield manager


def test_an_event_is_posted_as_content_and_an_embed(
    discord: IntegrationManager, server: RecordingServer
) -> None:
    integration = discord.get_integration("builtin.discord")
    integration.create_config(
        enabled=True,
        name="Alerts",
        settings={"webhook_url": server.url + "/api/webhooks/1/tok", "username": "CI"},
        save=True,
    )
    event = Event(
        kind="build.failed",
        title="Build failed @everyone",
        body="See the log",
        url="https://ci.example.com/7",
        fields={"branch": "main"},
        level="warning",
        timestamp=datetime(2024, 5, 1, 12, 30, tzinfo=UTC),
    )
    [delivery] = emit(event).wait(10)
    [request] = server.requests
    assert request.path == "/api/webhooks/1/tok"
    assert request.json() == {
        "content": "Warning: Build failed @everyone",
        "username": "CI",
        "embeds": [
            {
                "title": "Build failed @everyone",
                "url": "https://ci.example.com/7",
                "description": "See the log",
                "color": 0xE2A400,
                "fields": [{"name": "branch", "value": "main", "inline": True}],
                "footer": {"text": "build.failed"},
                "timestamp": "2024-05-01T12:30:00+00:00",
            }
        ],
        "allowed_mentions": {"parse": []},
    }
    assert delivery.ok


def test_long_texts_are_cut_to_discords_limits(
    discord: IntegrationManager, server: RecordingServer
) -> None:
    integration = discord.get_integration("builtin.discord")
    integration.create_config(
        enabled=True, name="Alerts", settings={"webhook_url": server.url}, save=True
    )
    fields = {f"f{n}": "v" for n in range(30)}
    emit(Event(title="t" * 300, body="b" * 5000, fields=fields)).wait(10)
    embed = server.requests[0].json()["embeds"][0]
    assert len(embed["title"]) == 256 and len(embed["description"]) == 4096
    assert len(embed["fields"]) == 25
    assert "username" not in server.requests[0].json()
