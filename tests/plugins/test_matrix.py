"""The Matrix integration, against a local server standing in for a homeserver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.delivery.formatting import COLORS
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.matrix import MatrixExtension, matrix_content
from tests.servers import RecordingServer, installed


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
            '<p><font color="#e2a400" data-mx-color="#e2a400"><strong>Warning:</strong>'
            "</font> "
            '<a href="https://grafana.example.com/d">Disk &lt;full&gt;</a></p>\n'
            "<p>95% used</p>\n"
            "<table><tr><th>host</th><td>db1</td></tr></table>"
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


# The Matrix specification's allowed HTML subset: tags, and the attributes each may carry.
_PLAIN_TAGS = (
    "del h1 h2 h3 h4 h5 h6 blockquote p ul li b i u strong em s code hr br div "
    "table thead tbody tr th td caption pre sup sub details summary"
)
ALLOWED_HTML: dict[str, set[str]] = {
    **{tag: set() for tag in _PLAIN_TAGS.split()},
    "font": {"data-mx-bg-color", "data-mx-color", "color"},
    "span": {"data-mx-bg-color", "data-mx-color", "data-mx-spoiler", "data-mx-maths"},
    "a": {"name", "target", "href"},
    "ol": {"start"},
}


class SubsetChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.outside: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_HTML:
            self.outside.append(f"<{tag}>")
        self.outside += [f"{tag} {name}" for name, _ in attrs if name not in ALLOWED_HTML[tag]]


@pytest.mark.parametrize("level", ["info", "success", "warning", "error"])
def test_the_formatted_body_keeps_to_the_specs_html_subset(level: str) -> None:
    event = Event(
        title="Disk", body="a\nb", level=level, fields={"host": "db1"}, url="https://x.org"
    )
    content = matrix_content(event)
    checker = SubsetChecker()
    checker.feed(content["formatted_body"])
    assert checker.outside == []
    assert f'data-mx-color="{COLORS[level]}"' in content["formatted_body"]


@pytest.mark.parametrize(
    "room",
    [
        "!abc:example.org",
        "!A_oJUIiuO4I9Mj0BtNIm6RMBx5cFxGDFXm6CCRL0bQ8",  # room version 12: no server part
        "#ops:example.org",
        "#ops:matrix.example.org:8448",
    ],
)
def test_room_ids_of_every_version_and_aliases_are_accepted(
    matrix: IntegrationManager, room: str
) -> None:
    form = matrix.get_integration("builtin.matrix").build_config_form(
        data={"name": "Ops", "server": "https://m.org", "room_id": f" {room} ", "access_token": "t"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["room_id"] == room


@pytest.mark.parametrize("room", ["ops", "!", "#ops", "!a b:example.org", "@bot:example.org"])
def test_what_is_not_a_room_is_refused_with_a_hint(matrix: IntegrationManager, room: str) -> None:
    form = matrix.get_integration("builtin.matrix").build_config_form(
        data={"name": "Ops", "server": "https://m.org", "room_id": room, "access_token": "t"}
    )
    [message] = form.errors["room_id"]
    assert "#ops:example.org" in message and "starts with !" in message


def test_a_room_alias_is_resolved_once_through_the_directory(
    matrix: IntegrationManager, server: RecordingServer
) -> None:
    room_id = "!A_oJUIiuO4I9Mj0BtNIm6RMBx5cFxGDFXm6CCRL0bQ8"
    server.reply(200, body=json.dumps({"room_id": room_id, "servers": ["example.org"]}).encode())
    matrix.get_integration("builtin.matrix").create_config(
        enabled=True,
        name="Ops",
        settings={"server": server.url, "room_id": "#ops:example.org", "access_token": "t"},
        save=True,
    )
    first = emit(Event(title="One")).wait(10)
    second = emit(Event(title="Two")).wait(10)
    assert [d.ok for d in first + second] == [True, True]
    lookup, put1, put2 = server.requests
    assert (lookup.method, lookup.path) == (
        "GET",
        "/_matrix/client/v3/directory/room/%23ops%3Aexample.org",
    )
    prefix = f"/_matrix/client/v3/rooms/{quote(room_id)}/send/m.room.message/"
    assert put1.path.startswith(prefix) and put2.path.startswith(prefix)


def test_an_unknown_alias_fails_the_delivery_saying_so(
    matrix: IntegrationManager, server: RecordingServer
) -> None:
    server.reply(404, body=b'{"errcode":"M_NOT_FOUND","error":"Room alias not found"}')
    matrix.get_integration("builtin.matrix").create_config(
        enabled=True,
        name="Ops",
        settings={"server": server.url, "room_id": "#gone:example.org", "access_token": "t"},
        save=True,
    )
    [delivery] = emit(Event(title="One")).wait(10)
    assert not delivery.ok
    assert delivery.error == f"{server.url} does not know the room #gone:example.org"
    assert delivery.response == "HTTP 404 Not Found"
    assert len(server.requests) == 1
