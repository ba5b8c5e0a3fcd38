"""Hooks that hear one kind of event: SignalHook(kind=...) and EventHook."""

from __future__ import annotations

import pytest
from blinker import Signal

from desktop_integrations import Event, EventHook, Hook, Integration, IntegrationManager, emit
from desktop_integrations.events import event_occurred
from desktop_integrations.hooks import SignalHook


class Owner:
    id = "test.owner"

    def __init__(self) -> None:
        self.hooks: set[Hook] = set()


def test_signal_hook_with_a_kind_passes_on_only_those_events() -> None:
    signal, heard = Signal(), []
    SignalHook(Owner(), signal, lambda sender, event, **kw: heard.append(event.title), kind="a.b")

    signal.send(None, event=Event(kind="a.b", title="wanted"))
    signal.send(None, event=Event(kind="a.c", title="other"))
    signal.send(None, value="no event at all")

    assert heard == ["wanted"]


def test_a_kind_may_be_a_pattern_or_several() -> None:
    signal, heard = Signal(), []
    SignalHook(
        Owner(),
        signal,
        lambda sender, event, **kw: heard.append(event.kind),
        kind=("build.*", "deploy.done"),
    )
    for kind in ("build.failed", "build.passed", "deploy.done", "deploy.started"):
        signal.send(None, event=Event(kind=kind, title="x"))
    assert heard == ["build.failed", "build.passed", "deploy.done"]


def test_an_empty_kind_is_refused() -> None:
    with pytest.raises(TypeError, match="kind"):
        SignalHook(Owner(), Signal(), print, kind="")


class BuildWatcher(Integration):
    integration_id = "test.build_watcher"
    name = "Build watcher"
    failures: list[str] = []

    def initialize(self) -> None:
        EventHook(self, self._on_failure, kind="build.failed")

    def _on_failure(self, event: Event) -> None:
        self.failures.append(event.title)


def test_an_event_hook_hears_emitted_events_of_its_kind_while_enabled(
    manager: IntegrationManager,
) -> None:
    watcher = manager.register_integration_class(BuildWatcher)
    config = watcher.create_config(name="On", enabled=True, save=True)

    emit(Event(kind="build.passed", title="#1 passed")).wait(10)
    emit(Event(kind="build.failed", title="#2 failed")).wait(10)
    assert BuildWatcher.failures == ["#2 failed"]

    config.delete()  # the last enabled configuration: the hook is disconnected
    emit(Event(kind="build.failed", title="#3 failed")).wait(10)
    assert BuildWatcher.failures == ["#2 failed"]
    assert not any(
        getattr(getattr(r, "__self__", None), "owner", None) is watcher
        for r in event_occurred.receivers_for(None)
    )
