"""Settings saved by an older version of an integration: migrated, never dropped."""

from __future__ import annotations

from typing import Any

import pytest

from desktop_integrations import Integration, IntegrationConfigForm, IntegrationManager


class OldForm(IntegrationConfigForm):
    channel: str = "#general"


class NewForm(IntegrationConfigForm):
    channels: list[str] = []
    retries: int = 3


class ChatV1(Integration):
    integration_id = "test.chat"
    name = "Chat"
    config_form_cls = OldForm


class ChatV2(Integration):
    integration_id = "test.chat"
    name = "Chat"
    config_form_cls = NewForm
    settings_version = 2

    def migrate_settings(self, from_version: int, settings: dict[str, Any]) -> dict[str, Any]:
        if from_version < 2:
            settings["channels"] = [settings.pop("channel")]
        return settings


class BrokenChatV2(ChatV2):
    integration_id = "test.chat"

    def migrate_settings(self, from_version: int, settings: dict[str, Any]) -> dict[str, Any]:
        settings.clear()
        raise ValueError("cannot read channel")


class TypeChangedChat(Integration):
    integration_id = "test.chat"
    name = "Chat"
    config_form_cls = NewForm


def save_v1_config(manager: IntegrationManager) -> int:
    integration = manager.register_integration_class(ChatV1)
    config = integration.build_config_form(data={"name": "ops", "channel": "#ops"}).save()
    manager.unregister_integration_class(ChatV1)
    assert config.settings_version == 1
    assert config.id is not None
    return config.id


def stored(manager: IntegrationManager) -> tuple[Any, ...]:
    return tuple(manager.store.query("SELECT settings, settings_version FROM configs")[0])


def test_old_settings_are_migrated_on_load_and_stored_on_save(manager: IntegrationManager) -> None:
    save_v1_config(manager)
    before = stored(manager)
    integration = manager.register_integration_class(ChatV2)
    (config,) = integration.get_configs()
    assert config.settings == {"channels": ["#ops"]}
    assert config.settings_version == 2
    assert config.problems == []
    assert stored(manager) == before
    config.save()
    assert stored(manager) == ('{"channels": ["#ops"]}', 2)


def test_a_failed_migration_leaves_settings_untouched_and_marks_the_config(
    manager: IntegrationManager,
) -> None:
    save_v1_config(manager)
    before = stored(manager)
    integration = manager.register_integration_class(BrokenChatV2)
    (config,) = integration.get_configs()
    assert config.settings == {"channel": "#ops"}
    assert config.settings_version == 1
    assert any("cannot read channel" in problem for problem in config.problems)
    config.enabled = True
    config.save()
    assert stored(manager) == before


def test_settings_that_no_longer_validate_stay_listed_with_their_errors(
    manager: IntegrationManager,
) -> None:
    integration = manager.register_integration_class(ChatV1)
    integration.build_config_form(data={"name": "ops", "channel": "#ops"}).save()
    manager.unregister_integration_class(ChatV1)
    with manager.store.transaction("simulate an old value") as conn:
        conn.execute("""UPDATE configs SET settings = '{"retries": "many"}'""")
    manager.clear_all_configs_cache()

    changed = manager.register_integration_class(TypeChangedChat)
    (config,) = manager.get_integration_configs(changed)
    form = changed.build_config_form(config)
    assert form.initial["retries"] == "many"
    assert not form.is_valid()
    assert "retries" in form.errors
    assert manager.store.query("SELECT settings FROM configs")[0][0] == '{"retries": "many"}'

    fixed = changed.build_config_form(config, data={"retries": 5})
    assert fixed.is_valid()
    fixed.save()
    assert config.settings["retries"] == 5


@pytest.mark.parametrize("returned", [None, ["not", "a", "dict"]])
def test_a_migration_returning_garbage_is_a_failure(
    manager: IntegrationManager, returned: Any
) -> None:
    class Sloppy(ChatV2):
        integration_id = "test.chat"

        def migrate_settings(self, from_version: int, settings: dict[str, Any]) -> Any:
            return returned

    save_v1_config(manager)
    (config,) = manager.register_integration_class(Sloppy).get_configs()
    assert config.settings == {"channel": "#ops"}
    assert "not dict" in config.problems[0]
