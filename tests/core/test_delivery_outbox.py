"""The outbox: every emitted delivery sent once, with its ID, paced per destination.

On both backends (SQLite and PostgreSQL).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from desktop_integrations import IntegrationManager, Store
from desktop_integrations.delivery import DELIVERY_ID_HEADER, recent_deliveries
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.webhook import WebhookExtension
from tests.servers import RecordingServer, installed, recording_server


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


@pytest.fixture
def webhook(manager: IntegrationManager) -> Iterator[IntegrationManager]:
    with installed(manager, WebhookExtension):
        yield manager


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


def add_hook(manager: IntegrationManager, name: str, url: str) -> int:
    integration = manager.get_integration("builtin.webhook")
    form = integration.build_config_form(data={"name": name, "url": url})
    assert form.is_valid(), form.errors
    config = form.save()
    assert config.id is not None
    return config.id


def until(condition: Callable[[], Any], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.02)


def test_a_burst_far_larger_than_the_workers_is_delivered_exactly_once_each(
    webhook: IntegrationManager, server: RecordingServer
) -> None:
    config_ids = [add_hook(webhook, f"Hook {n}", f"{server.url}/hook/{n}") for n in range(3)]
    emissions = [emit(Event(kind="burst", title=f"Event {n}")) for n in range(60)]
    results = [emission.wait(60) for emission in emissions]
    assert all(len(deliveries) == 3 and all(d.ok for d in deliveries) for deliveries in results)
    received = Counter((request.path, request.json()["title"]) for request in server.requests)
    assert len(server.requests) == 180
    assert set(received.values()) == {1}
    ids = [request.headers[DELIVERY_ID_HEADER] for request in server.requests]
    assert len(set(ids)) == 180
    logged = [
        d for config_id in config_ids for d in recent_deliveries(webhook.store, config_id, 500)
    ]
    assert len(logged) == 180 and all(d.ok for d in logged)
    assert {d.delivery_id for d in logged} == set(ids)
    assert webhook.store.count_pending_deliveries() == 0


def test_emit_writes_the_delivery_to_the_outbox_before_it_returns(
    webhook: IntegrationManager, server: RecordingServer
) -> None:
    add_hook(webhook, "Held", server.url + "/held")
    server.gate.clear()
    emission = emit(Event(title="Deployed"))
    assert webhook.store.count_pending_deliveries() == 1
    until(lambda: server.requests)
    assert emission.unfinished() == 1
    server.gate.set()
    [delivery] = emission.wait(30)
    assert delivery.ok
    assert delivery.delivery_id == server.requests[0].headers[DELIVERY_ID_HEADER]
    assert webhook.store.count_pending_deliveries() == 0


def test_a_429_pauses_that_destination_only(webhook: IntegrationManager) -> None:
    with recording_server() as busy, recording_server() as free:
        busy.reply(429, Retry_After="30")
        add_hook(webhook, "Busy", busy.url + "/hook")
        free_id = add_hook(webhook, "Free", free.url + "/hook")
        emissions = [emit(Event(title="Event 0"))]
        # Wait until the 429 came back and the delivery went back to the outbox.
        until(lambda: webhook.store.query("SELECT 1 FROM outbox WHERE attempts = 1"))
        emissions += [emit(Event(title=f"Event {n}")) for n in range(1, 5)]
        until(lambda: len(recent_deliveries(webhook.store, free_id)) == 5)
        assert all(d.ok for d in recent_deliveries(webhook.store, free_id))
        assert len(free.requests) == 5
        # The busy one asked for 30 s: its first delivery waits, the others are held back.
        assert len(busy.requests) == 1
        assert all(emission.unfinished() == 1 for emission in emissions)
        assert webhook.store.count_pending_deliveries() == 5


def test_a_configuration_deleted_before_sending_ends_as_a_failed_delivery(
    manager: IntegrationManager, server: RecordingServer
) -> None:
    with installed(manager, WebhookExtension, workers=1):
        check_deleted_configuration(manager, server)


def check_deleted_configuration(webhook: IntegrationManager, server: RecordingServer) -> None:
    add_hook(webhook, "Gone", server.url + "/gone")
    server.gate.clear()
    [config] = webhook.get_integration("builtin.webhook").get_configs()
    first = emit(Event(title="First"))
    until(lambda: server.requests)
    second = emit(Event(title="Second"))
    config.delete()
    server.gate.set()
    assert [d.ok for d in first.wait(30)] == [True]
    [failed] = second.wait(30)
    assert failed.status == "failed"
    assert failed.error == "The configuration was deleted before the event was sent."
    assert len(server.requests) == 1


def test_every_emission_gets_its_outcome_even_once_the_log_has_trimmed_it(
    webhook: IntegrationManager, server: RecordingServer
) -> None:
    config_id = add_hook(webhook, "Busy", server.url + "/busy")
    emissions = [emit(Event(title=f"Event {n}")) for n in range(450)]
    results = [emission.wait(120) for emission in emissions]
    assert [len(deliveries) for deliveries in results] == [1] * 450
    assert all(deliveries[0].ok for deliveries in results)
    # The log keeps the newest 200 of the configuration; the emissions kept theirs.
    assert len(recent_deliveries(webhook.store, config_id, 1000)) < 450


def test_one_event_to_several_destinations_goes_to_all_of_them_at_once(
    manager: IntegrationManager, server: RecordingServer
) -> None:
    with installed(manager, WebhookExtension, workers=3):
        for n in range(3):
            add_hook(manager, f"Hook {n}", f"{server.url}/hook/{n}")
        server.gate.clear()  # each request is held until the server is let go
        emission = emit(Event(title="Deployed"))
        # Sent one after another, the second would wait for the first answer.
        until(lambda: len(server.requests) == 3)
        server.gate.set()
        deliveries = emission.wait(30)
    assert sorted(r.path for r in server.requests) == ["/hook/0", "/hook/1", "/hook/2"]
    assert len(deliveries) == 3 and all(d.ok for d in deliveries)
