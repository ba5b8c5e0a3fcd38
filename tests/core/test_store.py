"""The store contract, on both backends: SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from desktop_integrations import (
    ConfigConflictError,
    Integration,
    IntegrationManager,
    Store,
    StoreError,
    open_store,
)
from desktop_integrations.delivery.log import recent_deliveries, record_delivery
from desktop_integrations.delivery.record import Delivery
from tests.core.chat import Chat


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


@pytest.fixture
def other(store_target: str) -> Iterator[IntegrationManager]:
    """Another process's manager on the same database."""
    other = IntegrationManager(open_store(store_target))
    other.register_integration_class(Chat)
    yield other
    other.shutdown()
    other.store.close()


@pytest.fixture
def chat(manager: IntegrationManager) -> Integration:
    return manager.register_integration_class(Chat)


def test_reopening_keeps_everything(store_target: str, chat: Integration) -> None:
    config = chat.create_config(enabled=True, save=True, name="keep", settings={"room": "ops"})
    manager = IntegrationManager(open_store(store_target))
    manager.register_integration_class(Chat)
    (again,) = manager.get_integration_configs(Chat)
    assert (again.id, again.name, again.settings) == (config.id, "keep", {"room": "ops"})
    assert again.time_added == config.time_added
    manager.store.close()


def test_timestamps_are_aware_and_last_updated_moves_on_every_save(chat: Integration) -> None:
    config = chat.create_config(enabled=True, name="t")
    config.save()
    assert config.time_added is not None and config.last_updated is not None
    assert config.time_added.tzinfo is UTC
    added, first = config.time_added, config.last_updated
    config.save()
    assert config.time_added == added
    assert config.last_updated > first
    assert config.revision == 2


def test_conflicting_save_is_refused_and_force_overwrites(
    chat: Integration, manager: IntegrationManager, other: IntegrationManager
) -> None:
    mine = chat.create_config(enabled=True, save=True, name="original")
    (theirs,) = other.get_integration_configs("test.chat")
    theirs.name = "theirs"
    theirs.save()

    mine.name = "mine"
    with pytest.raises(ConfigConflictError, match="changed by another window or process"):
        mine.save()
    assert manager.store.query("SELECT name FROM configs")[0][0] == "theirs"
    mine.save(force=True)
    assert manager.store.query("SELECT name, revision FROM configs")[0][:] == ("mine", 3)

    # Their copy is stale now: deleting it would discard my change unnoticed.
    with pytest.raises(ConfigConflictError, match=r"changed .* Reload it, or delete it anyway"):
        theirs.delete()
    assert manager.store.query("SELECT name FROM configs")[0][0] == "mine"
    theirs.delete(force=True)
    with pytest.raises(ConfigConflictError, match="deleted"):
        mine.save()
    mine.save(force=True)
    assert manager.store.query("SELECT id, name FROM configs")[0][:] == (mine.id, "mine")


def test_secret_marked_settings_stay_encrypted_without_the_integration(
    chat: Integration, manager: IntegrationManager
) -> None:
    chat.build_config_form(data={"name": "s", "token": "hidden-value"}).save()
    manager.unregister_integration_class(Chat)
    manager.clear_all_configs_cache()
    (orphan,) = manager.get_integration_configs()
    orphan.name = "renamed"
    orphan.save()
    raw = manager.store.query("SELECT settings FROM configs")[0][0]
    assert "hidden-value" not in raw
    assert orphan.get("token") == "hidden-value"


def test_non_json_settings_fail_with_a_clear_error(chat: Integration) -> None:
    config = chat.create_config(enabled=True, name="bad", settings={"when": object()})
    with pytest.raises(StoreError, match="not JSON-compatible"):
        config.save()
    assert config.id is None


def test_nested_transactions_commit_with_the_outer_one(
    chat: Integration, manager: IntegrationManager
) -> None:
    store = manager.store
    with pytest.raises(RuntimeError), store.transaction("save two"):
        chat.create_config(enabled=True, save=True, name="one")
        chat.create_config(enabled=True, save=True, name="two")
        raise RuntimeError("the second half failed")
    assert store.query("SELECT count(*) FROM configs")[0][0] == 0
    assert manager.check_expired()
    assert chat.get_configs() == []

    with store.transaction("save one"):
        chat.create_config(enabled=True, save=True, name="kept")
        with pytest.raises(RuntimeError), store.transaction("save an undone one"):
            chat.create_config(enabled=True, save=True, name="undone")
            raise RuntimeError("undo this part only")
        chat.create_config(enabled=True, save=True, name="also kept")
    names = [row[0] for row in store.query("SELECT name FROM configs")]
    assert names == ["kept", "also kept"]


def test_config_summaries_list_every_configuration_in_one_read(
    store: Store, manager: IntegrationManager, chat: Integration
) -> None:
    first = chat.create_config(enabled=True, name="Ops", save=True)
    second = chat.create_config(name="Dev", enabled=False, save=True)
    manager.unregister_integration_class(Chat)  # kept, and still listed
    assert store.config_summaries() == [
        (first.id, "test.chat", "Ops", 1),
        (second.id, "test.chat", "Dev", 0),
    ]
    second.delete()
    assert [row[2] for row in store.config_summaries()] == ["Ops"]


def test_secrets_are_not_readable_in_the_table(
    chat: Integration, manager: IntegrationManager, other: IntegrationManager
) -> None:
    chat.build_config_form(data={"name": "s", "token": "xoxb-TOP-SECRET-123"}).save()
    for row in manager.store.query("SELECT * FROM configs"):
        assert not any("TOP-SECRET" in str(value) for value in row)
    (theirs,) = other.get_integration_configs("test.chat")
    assert theirs.get("token") == "xoxb-TOP-SECRET-123"
    assert theirs.problems == []


def test_configurations_of_a_missing_plugin_are_kept_and_come_back(
    chat: Integration, manager: IntegrationManager, store_target: str
) -> None:
    chat.build_config_form(data={"name": "kept", "token": "t0ken", "room": "ops"}).save()
    lone = IntegrationManager(open_store(store_target))  # Chat's plugin is not installed
    try:
        (orphan,) = lone.get_integration_configs()
        assert not orphan.is_available
        orphan.name = "renamed without the plugin"
        orphan.save()
    finally:
        lone.store.close()
    manager.clear_all_configs_cache()
    (back,) = chat.get_configs()
    assert (back.name, back.get("room"), back.get("token")) == (
        "renamed without the plugin",
        "ops",
        "t0ken",
    )


def test_extension_state_is_remembered(store: Store, store_target: str) -> None:
    assert store.extension_enabled("plugin.Ext") is None
    store.set_extension_enabled("plugin.Ext", False)
    store.set_extension_enabled("plugin.Other", True)
    store.set_extension_enabled("plugin.Other", False)
    again = open_store(store_target)
    try:
        assert again.extension_enabled("plugin.Ext") is False
        assert again.extension_states() == {"plugin.Ext": False, "plugin.Other": False}
    finally:
        again.close()


def test_the_delivery_log_keeps_the_newest_first(store: Store, chat: Integration) -> None:
    config = chat.create_config(enabled=True, save=True, name="log")
    for number in range(3):
        record_delivery(
            store,
            Delivery(
                config_id=config.id,
                integration_id="test.chat",
                config_name="log",
                event_kind=f"build.{number}",
                time=datetime.now(UTC),
                status="delivered",
            ),
            keep_per_config=2,
        )
    kinds = [delivery.event_kind for delivery in recent_deliveries(store, config.id)]
    assert kinds == ["build.2", "build.1"]


def test_lazy_enabling_follows_another_process_on_check_expired(
    chat: Integration, manager: IntegrationManager, other: IntegrationManager
) -> None:
    assert not chat.enabled
    theirs = other.get_integration("test.chat").create_config(
        enabled=True, save=True, name="theirs"
    )
    manager.check_expired()
    assert chat.enabled
    assert [c.name for c in chat.get_configs()] == ["theirs"]
    theirs.delete()
    manager.check_expired()
    assert not chat.enabled


def test_every_configuration_keeps_a_stable_uid(
    chat: Integration, other: IntegrationManager
) -> None:
    first = chat.create_config(save=True, name="first")
    copy = first.copy("copy")
    copy.save()
    first.name = "renamed"
    first.save()
    assert first.uid and copy.uid and first.uid != copy.uid
    other.check_expired()
    assert {c.name: c.uid for c in other.get_integration_configs()} == {
        "renamed": first.uid,
        "copy": copy.uid,
    }
