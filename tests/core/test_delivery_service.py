"""Service integrations: which configurations deliver, and isolation from failures."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.delivery import recent_deliveries
from desktop_integrations.events import Event, emit, event_occurred
from desktop_integrations.plugins.logfile import LogFileExtension
from desktop_integrations.plugins.slack import SlackExtension
from tests.servers import closed_port_url, installed


@pytest.fixture
def services(manager: IntegrationManager) -> Iterator[IntegrationManager]:
    with installed(manager, LogFileExtension), installed(manager, SlackExtension):
        yield manager


def add_logfile(manager: IntegrationManager, name: str, path: Path, **fields: Any) -> int:
    integration = manager.get_integration("builtin.logfile")
    fields.setdefault("enabled", True)
    config = integration.create_config(name=name, settings={"path": str(path)}, **fields)
    config.save()
    assert config.id is not None
    return config.id


def test_only_enabled_configurations_deliver(services: IntegrationManager, tmp_path: Path) -> None:
    add_logfile(services, "On", tmp_path / "on.jsonl")
    add_logfile(services, "Off", tmp_path / "off.jsonl", enabled=False)
    [delivery] = emit(Event(title="Hello")).wait(10)
    assert delivery.config_name == "On"
    assert (tmp_path / "on.jsonl").exists() and not (tmp_path / "off.jsonl").exists()


def test_a_service_that_is_down_does_not_stop_the_others(
    services: IntegrationManager, tmp_path: Path
) -> None:
    slack = services.get_integration("builtin.slack")
    slack.create_config(
        enabled=True, name="Down", settings={"webhook_url": closed_port_url()}, save=True
    )
    add_logfile(services, "Audit", tmp_path / "audit.jsonl")
    deliveries = {d.config_name: d for d in emit(Event(title="Hello")).wait(30)}
    assert deliveries["Audit"].ok
    assert deliveries["Down"].status == "failed"
    assert deliveries["Down"].error.startswith("Could not connect to http://127.0.0.1")
    assert deliveries["Down"].attempts == 3


def test_stored_settings_that_no_longer_validate_make_a_logged_failure(
    services: IntegrationManager,
) -> None:
    slack = services.get_integration("builtin.slack")
    config = slack.create_config(
        enabled=True, name="Stale", settings={"webhook_url": "ftp://x"}, save=True
    )
    [delivery] = emit(Event(title="Hello")).wait(10)
    assert delivery.status == "failed" and delivery.attempts == 0
    assert delivery.error.startswith("The settings are not valid (webhook_url: ")
    assert recent_deliveries(services.store, config.id) == [delivery]


def test_a_hanging_receiver_does_not_hold_up_the_deliveries(
    services: IntegrationManager, tmp_path: Path
) -> None:
    release = threading.Event()

    def hangs(sender: Any, event: Event) -> None:
        release.wait()

    event_occurred.connect(hangs, weak=False)
    try:
        add_logfile(services, "Audit", tmp_path / "audit.jsonl")
        emission = emit(Event(title="Hello"))
        [delivery] = emission.wait(timeout=30, receiver_timeout=0.5)
        assert delivery.ok
        assert emission.hung_receivers() == [hangs.__qualname__]
        line = json.loads((tmp_path / "audit.jsonl").read_text())
        assert line["title"] == "Hello"
    finally:
        release.set()
        event_occurred.disconnect(hangs)
