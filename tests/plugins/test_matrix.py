"""The Matrix integration, against a local server standing in for a homeserver."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.matrix import MatrixExtension
from tests.servers import RecordingServer, installed, recording_server


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


@pytest.fixture
def matrix(manager: IntegrationManager) -> Iterator[IntegrationManager]:
    with installed(manager, MatrixExtension):
        yield manager


def test_an_event_is_put_as_a_room_message_with_the_token(
    matrix: IntegrationManager, server: RecordingServer
) -> None:
    integration = matrix.get_integration("builtin.matrix")
    assert "access_token" in integration.secret_fields
    integration.build_config_form(
        data={
            "name": "Ops room",
            "server": server.url,
            "room_id": "!abc:example.org",
            "access_token": "syt_secret",
        }
    ).save()
    event = Event(
        title="Disk <full>",
        body="95% used",
        level="warning",
        fields={"host": "db1"},
        url="https://grafana.example.com/d",
    )
    [delivery] = emit(event).wait(10)
    [request] = server.requests
    assert request.method == "PUT"
    prefix = "/_matrix/client/v3/rooms/%21abc%3Aexample.org/send/m.room.message/"
    assert request.path.startswith(prefix) and len(request.path) > len(prefix)
    assert request.headers["Authorization"] == "Bearer syt_secret"
    assert request.json() == {
        "msgtype": "m.text",
        "body": "Warning: Disk <full>\n\n95% used\n\nhost: db1\n\nhttps://grafana.example.com/d",
        "format": "org.matrix.custom.html",
        "formatted_body": (
            '<p><strong style="color: #e2a400">Warning:</strong> '
            '<a href="https://grafana.example.com/d">Disk &lt;full&gt;</a></p>\n'
            "<p>95% used</p>\n"
            '<table><tr><th align="left">host</th><td>db1</td></tr></table>'
        ),
    }
    assert delivery.ok


def test_a_retry_reuses_the_transaction_id(
    matrix: IntegrationManager, server: RecordingServer
) -> None:
    server.reply(502)
    integration = matrix.get_integration("builtin.matrix")
    integration.create_config(
        enabled=True,
        name="Ops room",
        settings={"server": server.url, "room_id": "!abc:example.org", "access_token": "t"},
        save=True,
    )
    [delivery] = emit(Event(title="Deployed", level="success")).wait(10)
    first, second = server.requests
    assert first.path == second.path  # the homeserver drops the duplicate
    assert second.json()["msgtype"] == "m.notice"
    assert delivery.attempts == 2 and delivery.ok


def test_a_room_alias_is_refused_with_a_hint(matrix: IntegrationManager) -> None:
    integration = matrix.get_integration("builtin.matrix")
    form = integration.build_config_form(
        data={
            "name": "Ops",
            "server": "https://matrix.example.org",
            "room_id": "#ops:example.org",
            "access_token": "t",
        }
    )
    [message] = form.errors["room_id"]
    assert "starts with !" in message
