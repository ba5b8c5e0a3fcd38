"""Lazy enabling, on both backends."""

from __future__ import annotations

from typing import Any

import pytest
from blinker import Signal

from desktop_integrations import (
    Integration,
    IntegrationConfig,
    IntegrationManager,
    SignalHook,
    Store,
    open_store,
)
from desktop_integrations.signals import integration_disabled, integration_enabled

ping = Signal()


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


class Counting(Integration):
    name = "Counting"
    initialized = 0
    shut_down = 0
    heard: list[str]

    def initialize(self) -> None:
        type(self).initialized += 1
        self.heard = []
        SignalHook(self, ping, self._on_ping)

    def shutdown(self) -> None:
        type(self).shut_down += 1

    def _on_ping(self, sender: object, **kwargs: object) -> None:
        self.heard.append(str(kwargs["word"]))


def reset() -> None:
    Counting.initialized = Counting.shut_down = 0


def test_enabled_only_while_an_enabled_config_exists(manager: IntegrationManager) -> None:
    reset()
    integration = manager.register_integration_class(Counting)
    assert not integration.enabled
    assert Counting.initialized == 0

    first = integration.create_config(enabled=True, save=True, name="first")
    assert integration.enabled
    second = integration.create_config(enabled=True, save=True, name="second")
    assert Counting.initialized == 1

    first.enabled = False
    first.save()
    assert integration.enabled
    second.delete()
    assert not integration.enabled
    assert Counting.shut_down == 1
    assert integration.hooks == set()

    ping.send(None, word="unheard")
    assert integration.heard == []


def test_disabled_configs_alone_do_not_enable(manager: IntegrationManager) -> None:
    reset()
    integration = manager.register_integration_class(Counting)
    integration.create_config(save=True, name="off", enabled=False)
    assert not integration.enabled
    assert Counting.initialized == 0


def test_enabled_at_registration_when_configs_exist(manager: IntegrationManager) -> None:
    reset()
    manager.register_integration_class(Counting).create_config(enabled=True, save=True, name="on")
    manager.unregister_integration_class(Counting)
    assert Counting.shut_down == 1
    again = manager.register_integration_class(Counting)
    assert again.enabled
    ping.send(None, word="hello")
    assert again.heard == ["hello"]


def test_enable_and_disable_signals(manager: IntegrationManager) -> None:
    reset()
    events: list[str] = []

    def on_enabled(sender: Integration) -> None:
        events.append(f"enabled {sender.name}")

    def on_disabled(sender: Integration) -> None:
        events.append(f"disabled {sender.name}")

    integration_enabled.connect(on_enabled)
    integration_disabled.connect(on_disabled)
    try:
        integration = manager.register_integration_class(Counting)
        config = integration.create_config(enabled=True, save=True, name="x")
        config.delete()
    finally:
        integration_enabled.disconnect(on_enabled)
        integration_disabled.disconnect(on_disabled)
    assert events == ["enabled Counting", "disabled Counting"]


def test_another_process_enabling_is_applied_on_check_expired(
    manager: IntegrationManager, store_target: str
) -> None:
    reset()
    integration = manager.register_integration_class(Counting)
    other = IntegrationManager(open_store(store_target))
    config = other.register_integration_class(Counting).create_config(
        enabled=True, save=True, name="x"
    )
    if not manager.store.live:  # a live store may have applied it already
        assert not integration.enabled
    manager.check_expired()
    assert integration.enabled
    config.delete()
    manager.check_expired()
    assert not integration.enabled
    other.shutdown()
    other.store.close()


def test_initialize_failure_is_contained(manager: IntegrationManager) -> None:
    class Fragile(Integration):
        name = "Fragile"

        def initialize(self) -> None:
            SignalHook(self, ping, lambda sender, **kw: None)
            raise RuntimeError("cannot start")

    integration = manager.register_integration_class(Fragile)
    config = integration.create_config(enabled=True, save=True, name="x")
    assert config.id is not None
    assert not integration.enabled
    assert integration.hooks == set()


def test_manager_shutdown_disables_everything(manager: IntegrationManager) -> None:
    reset()
    integration = manager.register_integration_class(Counting)
    integration.create_config(enabled=True, save=True, name="x")
    manager.shutdown()
    assert not integration.enabled
    assert Counting.shut_down == 1


def integration_class(integration_id: str) -> type[Integration]:
    attributes = {"integration_id": integration_id, "name": integration_id}
    return type(integration_id.replace(".", "_"), (Integration,), attributes)


def test_registering_many_at_once_asks_the_store_once(
    manager: IntegrationManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    for integration_id, enabled in (("t.on", True), ("t.off", False), ("t.both", True)):
        IntegrationConfig(manager, integration_id, name=integration_id, enabled=enabled).save()
    IntegrationConfig(manager, "t.both", name="second", enabled=False).save()
    asked: list[str] = []
    store = manager.store
    for method in ("has_enabled_config", "enabled_integration_ids"):
        original = getattr(store, method)

        def counted(*args: object, _name: str = method, _original: Any = original) -> Any:
            asked.append(_name)
            return _original(*args)

        monkeypatch.setattr(store, method, counted)

    with manager.registering():
        registered = [
            manager.register_integration_class(integration_class(integration_id))
            for integration_id in ("t.on", "t.off", "t.both", "t.none")
        ]

    # One query for all (one round trip on PostgreSQL), not one per integration.
    assert asked == ["enabled_integration_ids"]
    assert [integration.enabled for integration in registered] == [True, False, True, False]
    manager.register_integration_class(integration_class("t.later"))
    assert asked == ["enabled_integration_ids", "has_enabled_config"]  # outside: asked again


def test_saves_while_registering_many_are_seen_by_the_later_ones(
    manager: IntegrationManager,
) -> None:
    stopping = IntegrationConfig(manager, "t.stopping", name="stopping", enabled=True)
    stopping.save()
    with manager.registering():
        first = manager.register_integration_class(integration_class("t.first"))
        IntegrationConfig(manager, "t.started", name="started", enabled=True).save()
        stopping.delete()
        started = manager.register_integration_class(integration_class("t.started"))
        stopped = manager.register_integration_class(integration_class("t.stopping"))

    assert not first.enabled
    assert started.enabled
    assert not stopped.enabled
