"""The manager, on both backends (see test_live_change.py for PostgreSQL's push)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_integrations import (
    ConfigStore,
    Integration,
    IntegrationAlreadyRegisteredError,
    IntegrationManager,
    IntegrationNotRegisteredError,
    IntegrationRegistrationError,
    Store,
    get_integration_manager,
)
from desktop_integrations.signals import config_deleted, config_saved


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


@pytest.fixture
def polled(db_path: Path) -> Iterator[IntegrationManager]:
    """A manager on SQLite, which learns of other processes' saves only by polling."""
    manager = IntegrationManager(ConfigStore(db_path))
    yield manager
    manager.shutdown()
    manager.store.close()


class Alpha(Integration):
    name = "Alpha"
    default_settings = {"greeting": "hello"}


class Beta(Integration):
    integration_id = "example.beta"
    name = "Beta"


def test_default_id_is_module_and_class_written_onto_the_class(
    manager: IntegrationManager,
) -> None:
    integration = manager.register_integration_class(Alpha)
    assert Alpha.integration_id == f"{__name__}.Alpha"
    assert integration.id == Alpha.integration_id
    assert manager.get_integration(Alpha.integration_id) is integration


def test_hand_set_id_is_kept(manager: IntegrationManager) -> None:
    manager.register_integration_class(Beta)
    assert manager.get_integration("example.beta").name == "Beta"


def test_one_instance_per_class_and_duplicates_refused(manager: IntegrationManager) -> None:
    manager.register_integration_class(Beta)
    with pytest.raises(IntegrationAlreadyRegisteredError, match=r"example\.beta"):
        manager.register_integration_class(Beta)

    class Impostor(Integration):
        integration_id = "example.beta"
        name = "Impostor"

    with pytest.raises(IntegrationAlreadyRegisteredError, match="Impostor"):
        manager.register_integration_class(Impostor)
    assert [type(i) for i in manager.get_integrations()] == [Beta]
    assert manager.get_integration_classes() == [Beta]


def test_unknown_ids_and_classes(manager: IntegrationManager) -> None:
    with pytest.raises(IntegrationNotRegisteredError, match="'nope'"):
        manager.get_integration("nope")
    with pytest.raises(IntegrationNotRegisteredError, match="Alpha"):
        manager.unregister_integration_class(Alpha)


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"name": ""}, "'name' must be a non-empty string"),
        ({"name": "x", "description": 3}, "'description' must be a string"),
        ({"name": "x", "config_form_cls": dict}, "'config_form_cls' must be"),
        ({"name": "x", "default_settings": {"when": object()}}, "default_settings['when']"),
        ({"name": "x", "default_settings": [1]}, "'default_settings' must be a dict"),
        ({"name": "x", "integration_id": 5}, "'integration_id' must be a string"),
    ],
)
def test_invalid_declarations_name_the_class_and_field(
    manager: IntegrationManager, attributes: dict[str, object], message: str
) -> None:
    cls = type("Broken", (Integration,), {"__module__": "plugin", **attributes})
    with pytest.raises(IntegrationRegistrationError) as info:
        manager.register_integration_class(cls)  # type: ignore[arg-type]
    assert "plugin.Broken" in str(info.value)
    assert message in str(info.value)


def test_registering_something_else_is_refused(manager: IntegrationManager) -> None:
    with pytest.raises(IntegrationRegistrationError, match="not an Integration subclass"):
        manager.register_integration_class(object)  # type: ignore[arg-type]


def test_configs_of_every_integration_enabled_and_disabled(manager: IntegrationManager) -> None:
    alpha = manager.register_integration_class(Alpha)
    beta = manager.register_integration_class(Beta)
    a1 = alpha.create_config(enabled=True, save=True, name="a1")
    a2 = alpha.create_config(save=True, name="a2", enabled=False)
    b1 = beta.create_config(enabled=True, save=True, name="b1")
    assert manager.get_integration_configs(Alpha) == [a1, a2]
    assert manager.get_integration_configs(alpha) == [a1, a2]
    assert manager.get_integration_configs("example.beta") == [b1]
    assert manager.get_integration_configs() == [a1, a2, b1]
    assert manager.get_integration_configs(enabled=False) == [a2]
    assert alpha.get_configs() == [a1]
    assert alpha.get_configs(name="a2") == []
    assert manager.get_integration_configs(Alpha, name="a2") == [a2]


def test_filter_on_settings_and_defaults(manager: IntegrationManager) -> None:
    alpha = manager.register_integration_class(Alpha)
    hello = alpha.create_config(enabled=True, save=True, name="default greeting")
    hi = alpha.create_config(enabled=True, save=True, name="hi", settings={"greeting": "hi"})
    assert alpha.get_configs(settings__greeting="hello") == [hello]
    assert alpha.get_configs(settings__greeting="hi") == [hi]
    assert alpha.get_configs(settings__greeting=["unhashable"]) == []


def test_unknown_filters_are_refused(manager: IntegrationManager) -> None:
    alpha = manager.register_integration_class(Alpha)
    with pytest.raises(TypeError, match="Unknown configuration filter"):
        alpha.get_configs(colour="red")


def test_get_configs_is_correct_right_after_saves_and_deletes(
    manager: IntegrationManager,
) -> None:
    alpha = manager.register_integration_class(Alpha)
    assert alpha.get_configs() == []
    config = alpha.create_config(enabled=True, save=True, name="one")
    assert alpha.get_configs() == [config]
    config.enabled = False
    config.save()
    assert alpha.get_configs() == []
    config.enabled = True
    config.save()
    config.delete()
    assert alpha.get_configs() == []
    assert manager.get_integration_configs() == []


def test_get_configs_is_cached(
    manager: IntegrationManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    alpha = manager.register_integration_class(Alpha)
    alpha.create_config(enabled=True, save=True, name="one")
    alpha.get_configs()
    calls: list[str] = []
    original = manager.store.load_configs
    monkeypatch.setattr(
        manager.store, "load_configs", lambda *a: calls.append("load") or original(*a)
    )
    for _ in range(5):
        assert len(alpha.get_configs()) == 1
    assert calls == []
    manager.clear_configs_cache(alpha)
    assert len(alpha.get_configs()) == 1
    assert calls == ["load"]


def test_returned_lists_are_shared_and_read_only(manager: IntegrationManager) -> None:
    alpha = manager.register_integration_class(Alpha)
    config = alpha.create_config(enabled=True, save=True, name="one")
    configs = alpha.get_configs()
    assert configs is alpha.get_configs()
    for change in (configs.clear, lambda: configs.append(config), lambda: configs.pop()):
        with pytest.raises(TypeError, match="read-only"):
            change()
    with pytest.raises(TypeError, match="read-only"):
        configs[0] = config
    assert configs == [config]
    assert [*configs, config] == [config, config]


def test_another_process_save_is_seen_after_check_expired(
    polled: IntegrationManager, db_path: Path
) -> None:
    manager = polled
    alpha = manager.register_integration_class(Alpha)
    alpha.create_config(enabled=True, save=True, name="mine")
    assert [c.name for c in alpha.get_configs()] == ["mine"]
    assert not manager.is_expired()

    other = IntegrationManager(ConfigStore(db_path))
    other_alpha = other.register_integration_class(Alpha)
    other_alpha.create_config(enabled=True, save=True, name="theirs")

    assert [c.name for c in alpha.get_configs()] == ["mine"]
    assert manager.is_expired()
    assert manager.check_expired()
    assert [c.name for c in alpha.get_configs()] == ["mine", "theirs"]
    assert not manager.is_expired()
    assert not manager.check_expired()
    other.store.close()


def test_own_saves_do_not_expire_the_cache(manager: IntegrationManager) -> None:
    alpha = manager.register_integration_class(Alpha)
    for index in range(3):
        alpha.create_config(enabled=True, save=True, name=f"c{index}")
    assert not manager.is_expired()


def test_configs_of_unregistered_integrations_are_kept(manager: IntegrationManager) -> None:
    alpha = manager.register_integration_class(Alpha)
    config = alpha.create_config(enabled=True, save=True, name="kept", settings={"x": 1})
    manager.unregister_integration_class(Alpha)
    (orphan,) = manager.get_integration_configs()
    assert orphan.id == config.id
    assert not orphan.is_available
    assert str(orphan) == f"kept (unavailable: {Alpha.integration_id})"
    with pytest.raises(IntegrationNotRegisteredError):
        _ = orphan.integration
    orphan.name = "renamed while unavailable"
    orphan.save()

    alpha = manager.register_integration_class(Alpha)
    assert [c.name for c in alpha.get_configs()] == ["renamed while unavailable"]
    assert alpha.get_configs()[0].settings == {"x": 1}
    assert alpha.enabled


def test_save_and_delete_send_signals(manager: IntegrationManager) -> None:
    alpha = manager.register_integration_class(Alpha)
    seen: list[tuple[str, str, bool | None]] = []

    def on_saved(sender: object, config: object, created: bool) -> None:
        seen.append(("saved", str(config), created))

    def on_deleted(sender: object, config: object) -> None:
        seen.append(("deleted", str(config), None))

    def broken(sender: object, **kwargs: object) -> None:
        raise RuntimeError("receiver bug")

    config_saved.connect(on_saved)
    config_saved.connect(broken)
    config_deleted.connect(on_deleted)
    try:
        config = alpha.create_config(enabled=True, save=True, name="s")
        config.save()
        config.delete()
    finally:
        config_saved.disconnect(on_saved)
        config_saved.disconnect(broken)
        config_deleted.disconnect(on_deleted)
    assert seen == [
        ("saved", "s (Alpha)", True),
        ("saved", "s (Alpha)", False),
        ("deleted", "s (Alpha)", None),
    ]


def test_deleting_an_unsaved_config_is_an_error(manager: IntegrationManager) -> None:
    alpha = manager.register_integration_class(Alpha)
    with pytest.raises(Exception, match="never saved"):
        alpha.create_config(enabled=True, name="draft").delete()


def test_create_config_refuses_unknown_fields(manager: IntegrationManager) -> None:
    alpha = manager.register_integration_class(Alpha)
    with pytest.raises(TypeError, match="colour"):
        alpha.create_config(enabled=True, colour="red")


def test_default_manager_is_created_on_the_default_database(tmp_path: object) -> None:
    manager = get_integration_manager()
    assert manager is get_integration_manager()
    assert manager.store.path.name == "integrations.sqlite3"
    assert str(tmp_path) in str(manager.store.path)
    manager.store.close()


def test_get_config_reads_one_configuration_and_keeps_the_object_when_all_load(
    manager: IntegrationManager, store: ConfigStore
) -> None:
    beta = manager.register_integration_class(Beta)
    saved = [beta.create_config(enabled=True, name=name, save=True) for name in ("one", "two")]
    fresh = IntegrationManager(store)
    fresh.register_integration_class(Beta)
    single = fresh.get_config(saved[1].id or 0)
    assert single is not None and single.name == "two"
    assert fresh.get_config(saved[1].id or 0) is single
    assert fresh.get_config(10_000) is None
    single.name = "two renamed"
    single.save()
    listed = fresh.get_integration_configs()
    assert [c.name for c in listed] == ["one", "two renamed"]
    assert listed[1] is single  # one object per configuration
    assert fresh.get_config(saved[0].id or 0) is listed[0]
    listed[0].delete()
    assert fresh.get_config(saved[0].id or 0) is None
