"""The Log file integration."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.delivery import DeliveryPool, recent_deliveries, set_delivery_pool
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.logfile import LogFileExtension
from tests.servers import fast_pool

EVENT = Event(
    kind="build.failed",
    title="Build failed",
    body="3 tests failed",
    url="https://ci.example.com/42",
    fields={"branch": "main"},
    level="error",
)


@pytest.fixture
def pool() -> Iterator[DeliveryPool]:
    pool = fast_pool()
    set_delivery_pool(pool)
    yield pool
    set_delivery_pool(None)
    pool.shutdown()


@pytest.fixture
def logfile(manager: IntegrationManager, pool: DeliveryPool) -> Iterator[IntegrationManager]:
    extension = LogFileExtension(manager)
    extension.initialize()
    yield manager
    extension.shutdown_hooks()


def test_the_integration_is_registered_with_its_public_id(logfile: IntegrationManager) -> None:
    integration = logfile.get_integration("builtin.logfile")
    assert integration.name == "Log file"
    assert integration.icon_static_urls["1x"].endswith("logfile.png")
    assert integration.icon_static_urls["2x"].endswith("logfile@2x.png")
    titles = [fieldset.title for fieldset in integration.build_config_form().fieldsets]
    assert titles[1:] == ["What To Post", "Where To Post"]


def test_each_event_is_appended_as_one_json_line(
    logfile: IntegrationManager, tmp_path: Path
) -> None:
    path = tmp_path / "logs" / "events.jsonl"
    integration = logfile.get_integration("builtin.logfile")
    config = integration.create_config(
        enabled=True, name="Audit", settings={"path": str(path)}, save=True
    )
    first = emit(EVENT).wait(10)
    emit(Event(title="Deployed", level="success")).wait(10)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0] == {
        "kind": "build.failed",
        "title": "Build failed",
        "body": "3 tests failed",
        "url": "https://ci.example.com/42",
        "fields": {"branch": "main"},
        "level": "error",
        "timestamp": EVENT.timestamp.isoformat(),
    }
    assert lines[1]["title"] == "Deployed"
    assert [d.status for d in first] == ["delivered"]
    assert first[0].response == f"appended to {path}"
    assert len(recent_deliveries(logfile.store, config.id)) == 2


def test_conditions_that_do_not_match_write_nothing(
    logfile: IntegrationManager, tmp_path: Path
) -> None:
    path = tmp_path / "errors.jsonl"
    conditions = {"mode": "all", "rules": [{"choice": "level", "operator": "is", "value": "error"}]}
    integration = logfile.get_integration("builtin.logfile")
    config = integration.create_config(
        enabled=True,
        name="Errors",
        settings={"path": str(path), "conditions": conditions},
        save=True,
    )
    assert emit(Event(title="All good", level="success")).wait(10) == []
    assert not path.exists()
    assert recent_deliveries(logfile.store, config.id) == []
    assert [d.status for d in emit(EVENT).wait(10)] == ["delivered"]
    assert len(path.read_text().splitlines()) == 1


def test_an_unwritable_file_is_a_failed_delivery_with_the_reason(
    logfile: IntegrationManager, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    integration = logfile.get_integration("builtin.logfile")
    config = integration.create_config(
        enabled=True, name="Broken", settings={"path": str(blocker / "events.jsonl")}, save=True
    )
    [delivery] = emit(EVENT).wait(10)
    assert delivery.status == "failed"
    assert delivery.error.startswith(f"Could not write to {blocker / 'events.jsonl'}")
    assert recent_deliveries(logfile.store, config.id)[0].error == delivery.error


def test_a_relative_path_is_refused_by_the_form(logfile: IntegrationManager) -> None:
    integration = logfile.get_integration("builtin.logfile")
    form = integration.build_config_form(data={"name": "Audit", "path": "events.jsonl"})
    assert form.errors == {"path": ["Give the full path of the file, such as ~/events.jsonl."]}
