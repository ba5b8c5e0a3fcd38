"""Events and emit(): validation, isolation of receivers, waiting for deliveries."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from pydantic import ValidationError

from desktop_integrations.events import Event, emit, event_occurred


@pytest.fixture
def receivers() -> Iterator[list[Any]]:
    connected: list[Any] = []
    yield connected
    for receiver in connected:
        event_occurred.disconnect(receiver)


def connect(receivers: list[Any], receiver: Any) -> None:
    event_occurred.connect(receiver, weak=False)
    receivers.append(receiver)


def test_an_event_gets_sensible_defaults() -> None:
    event = Event(title="Build failed")
    assert (event.kind, event.body, event.url, event.fields, event.level) == (
        "notification",
        "",
        None,
        {},
        "info",
    )
    assert event.timestamp.tzinfo is not None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x", "level": "fatal"}, "level"),
        ({"title": "x", "timestamp": datetime(2024, 1, 1)}, "timestamp"),
        ({"title": "x", "fields": {"n": 1}}, "fields"),
    ],
)
def test_an_invalid_event_is_refused_naming_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Event(**data)
    assert caught.value.errors()[0]["loc"][0] == field


def test_emit_returns_while_a_receiver_hangs_and_others_still_get_the_event(
    receivers: list[Any],
) -> None:
    release = threading.Event()
    got: list[str] = []
    done = threading.Event()

    def hangs(sender: Any, event: Event) -> None:
        release.wait()

    def records(sender: Any, event: Event) -> None:
        got.append(event.title)
        done.set()

    connect(receivers, hangs)
    connect(receivers, records)
    try:
        emission = emit(Event(title="Deployed"))
        assert done.wait(10)
        assert got == ["Deployed"]
        assert emission.wait(timeout=0.1) == []
    finally:
        release.set()


def test_a_receiver_that_raises_reaches_neither_the_emitter_nor_the_others(
    receivers: list[Any], caplog: pytest.LogCaptureFixture
) -> None:
    got: list[str] = []

    def raises(sender: Any, event: Event) -> None:
        raise RuntimeError("plugin bug")

    def records(sender: Any, event: Event) -> None:
        got.append(event.kind)

    connect(receivers, raises)
    connect(receivers, records)
    emit(Event(kind="build.failed", title="Build failed")).wait(10)
    assert got == ["build.failed"]
    assert "plugin bug" in caplog.text
