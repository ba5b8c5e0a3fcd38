"""The Matrix integration against a real homeserver: Synapse, on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.matrix import MatrixExtension, matrix_content
from tests.servers import installed
from tests.synapse import Synapse

EVENT = Event(
    kind="disk.full",
    title="Disk <full> on db1",
    body="95% used\nsee the graph",
    level="warning",
    fields={"host": "db1"},
    url="https://grafana.example.com/d",
)


@pytest.fixture
def matrix(manager: IntegrationManager) -> Iterator[IntegrationManager]:
    with installed(manager, MatrixExtension):
        yield manager


@pytest.fixture(scope="module")
def bot(synapse: Synapse) -> str:
    return synapse.register("bot")


def configure(
    manager: IntegrationManager, synapse: Synapse, room: str, token: str, name: str = "Ops"
) -> None:
    form = manager.get_integration("builtin.matrix").build_config_form(
        data={"name": name, "server": synapse.url, "room_id": room, "access_token": token}
    )
    assert form.is_valid(), form.errors
    form.save()


def test_an_event_reaches_a_room_of_the_default_version(
    matrix: IntegrationManager, synapse: Synapse, bot: str
) -> None:
    room_id = synapse.create_room(bot)
    assert ":" not in room_id  # room version 12: no server part
    configure(matrix, synapse, room_id, bot)
    [delivery] = emit(EVENT).wait(30)
    assert delivery.ok, delivery.error
    assert delivery.response == "HTTP 200 OK"
    assert synapse.last_message(bot, room_id) == matrix_content(EVENT)


def test_a_room_alias_is_resolved_by_the_homeserver(
    matrix: IntegrationManager, synapse: Synapse, bot: str
) -> None:
    room_id = synapse.create_room(bot, alias="ops")
    configure(matrix, synapse, "#ops:localhost", bot)
    [delivery] = emit(Event(title="Through the alias")).wait(30)
    assert delivery.ok, delivery.error
    assert synapse.last_message(bot, room_id)["body"] == "Info: Through the alias"


def test_an_unknown_alias_and_a_wrong_token_fail_with_the_reason(
    matrix: IntegrationManager, synapse: Synapse, bot: str
) -> None:
    room_id = synapse.create_room(bot)
    configure(matrix, synapse, "#nowhere:localhost", bot, name="A")
    configure(matrix, synapse, room_id, "syt_wrong_token", name="B")
    deliveries = sorted(emit(Event(title="x")).wait(30), key=lambda d: d.config_name)
    assert [d.ok for d in deliveries] == [False, False]
    assert deliveries[0].error == f"{synapse.url} does not know the room #nowhere:localhost"
    assert deliveries[1].response == "HTTP 401 Unauthorized"
    assert "M_UNKNOWN_TOKEN" in deliveries[1].error
    assert "syt_wrong_token" not in deliveries[1].error
