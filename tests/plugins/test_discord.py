"""The Discord integration, against a local server standing in for Discord."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_integrations import IntegrationManager
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.discord import DiscordExtension, discord_payload
from tests.servers import RecordingServer, installed


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


with warnings.catch_warnings():
    # discord.py imports audioop, which Python 3.11 deprecates.
    warnings.simplefilter("ignore", DeprecationWarning)
    discord_py = importlib.import_module("discord")


def embed_problems(payload: dict[str, Any]) -> list[str]:
    """What Discord would refuse in a payload, by discord.py's embed rules."""
    [data] = payload["embeds"]
    embed = discord_py.Embed.from_dict(data)
    problems = []
    if len(embed) > 6000:
        problems.append(f"embed total {len(embed)} > 6000")
    if len(payload["content"]) > 2000:
        problems.append("content > 2000")
    for key, limit in (("title", 256), ("description", 4096)):
        if len(data.get(key, "")) > limit:
            problems.append(f"{key} > {limit}")
    if len(embed.footer.text or "") > 2048:
        problems.append("footer > 2048")
    if len(embed.fields) > 25:
        problems.append(f"{len(embed.fields)} fields > 25")
    for field in embed.fields:
        assert field.name and field.value
        if len(field.name) > 256 or len(field.value) > 1024:
            problems.append(f"field {field.name[:10]!r} too long")
    return problems


def test_a_long_event_fits_every_limit_and_marks_every_cut(
    discord: IntegrationManager, server: RecordingServer
) -> None:
    integration = discord.get_integration("builtin.discord")
    integration.create_config(
        enabled=True, name="Alerts", settings={"webhook_url": server.url}, save=True
    )
    fields = {f"f{n}": "v" for n in range(40)}
    emit(Event(kind="k" * 3000, title="t" * 3000, body="b" * 10_000, fields=fields)).wait(10)
    payload = server.requests[0].json()
    assert embed_problems(payload) == []
    embed = payload["embeds"][0]
    for text in (payload["content"], embed["title"], embed["description"], embed["footer"]["text"]):
        assert text.endswith("…")
    assert embed["fields"][:24] == [
        {"name": f"f{n}", "value": "v", "inline": True} for n in range(24)
    ]
    assert embed["fields"][24]["value"] == "16 more fields left out"
    assert "username" not in payload


@given(
    title=st.text(min_size=1, max_size=400).filter(str.strip),
    body=st.text(max_size=7000),
    fields=st.dictionaries(st.text(max_size=300), st.text(max_size=1200), max_size=40),
    kind=st.text(min_size=1, max_size=2500),
)
@settings(max_examples=60, deadline=None)
def test_any_event_gives_an_embed_discord_accepts(
    title: str, body: str, fields: dict[str, str], kind: str
) -> None:
    payload = discord_payload(Event(kind=kind, title=title, body=body, fields=fields))
    assert embed_problems(payload) == []
    shown = payload["embeds"][0]["fields"]
    if len(shown) < len(fields):
        assert shown[-1]["value"].endswith("left out")


def test_event_text_cannot_become_a_link_or_markup() -> None:
    event = Event(title="[Reset password](https://evil.example/)", body="**bold** `x` ~~s~~")
    payload = discord_payload(event, "CI")
    embed = payload["embeds"][0]
    assert embed["title"] == r"\[Reset password\](https://evil.example/)"
    assert embed["description"] == r"\*\*bold\*\* \`x\` \~\~s\~\~"
    assert payload["content"] == r"Info: \[Reset password\](https://evil.example/)"
