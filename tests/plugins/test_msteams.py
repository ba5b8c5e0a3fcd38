"""The Microsoft Teams integration, against a local server standing in for Teams."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.msteams import TeamsExtension, teams_payload
from tests.servers import RecordingServer, installed


@pytest.fixture
def teams(manager: IntegrationManager) -> Iterator[IntegrationManager]:
    with installed(manager, TeamsExtension):
        yield manager


def test_an_event_is_posted_as_an_adaptive_card(
    teams: IntegrationManager, server: RecordingServer
) -> None:
    integration = teams.get_integration("builtin.msteams")
    assert integration.name == "Microsoft Teams"
    integration.create_config(
        enabled=True, name="Team", settings={"webhook_url": server.url + "/wf"}, save=True
    )
    event = Event(
        title="Build failed",
        body="3 tests failed",
        url="https://ci.example.com/9",
        fields={"branch": "main"},
        level="error",
    )
    [delivery] = emit(event).wait(10)
    assert server.requests[0].json() == {
        "type": "message",
        "summary": "Build failed",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        {
                            "type": "TextBlock",
                            "text": "Build failed",
                            "weight": "Bolder",
                            "size": "Medium",
                            "color": "Attention",
                            "wrap": True,
                        },
                        {"type": "TextBlock", "text": "3 tests failed", "wrap": True},
                        {
                            "type": "FactSet",
                            "facts": [
                                {"title": "branch", "value": "main"},
                                {"title": "Level", "value": "Error"},
                            ],
                        },
                    ],
                    "actions": [
                        {
                            "type": "Action.OpenUrl",
                            "title": "Open",
                            "url": "https://ci.example.com/9",
                        }
                    ],
                },
            }
        ],
    }
    assert delivery.ok


def test_event_text_is_escaped_so_teams_shows_it_as_typed() -> None:
    event = Event(
        title="[Reset password](https://evil.example/)",
        body="**urgent** _now_ `code` # heading",
        fields={"[a](b)": "<b>x</b>"},
    )
    card = teams_payload(event)["attachments"][0]["content"]
    title, body, facts = card["body"]
    assert title["text"] == r"\[Reset password\](https://evil.example/)"
    assert body["text"] == r"\*\*urgent\*\* \_now\_ \`code\` \# heading"
    assert facts["facts"][0] == {"title": r"\[a\](b)", "value": r"\<b\>x\</b\>"}
