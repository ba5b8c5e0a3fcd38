from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QGroupBox, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_integrations import (
    ConfigStore,
    Integration,
    IntegrationManager,
    StoreError,
)
from desktop_integrations.forms import BASIC_INFO_FIELDSET
from desktop_integrations.ui import ConfigDialog
from desktop_integrations.ui.config_dialog import CORRECT_ERRORS
from desktop_integrations.ui.fieldset_group import FieldsetGroup

from .conftest import ChatIntegration, chat_settings


def make_dialog(qtbot: QtBot, integration: Integration, config: object = None) -> ConfigDialog:
    dialog = ConfigDialog(integration, config)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    return dialog


def fill(dialog: ConfigDialog, **values: object) -> None:
    for name, value in values.items():
        widget = dialog.field_widget(name)
        widget.set_value(value)
        widget.changed.emit()  # as typing would


def click(dialog: ConfigDialog, button: QDialogButtonBox.StandardButton) -> None:
    dialog.button_box.button(button).click()


def test_one_group_per_fieldset_with_title_description_and_collapsed_advanced(
    qtbot: QtBot, chat: Integration
) -> None:
    dialog = make_dialog(qtbot, chat)
    groups = dialog.findChildren(FieldsetGroup)
    assert [g.fieldset.title for g in groups] == ["Basic Information", "Connection", "Advanced"]
    basic = [label.text() for label in groups[0].findChildren(QLabel)]
    assert BASIC_INFO_FIELDSET.description in basic  # one line: shown as written
    texts = [label.text() for label in groups[1].findChildren(QLabel)]
    assert "<p>Create an incoming webhook first.</p><p>Then paste it.</p>" in texts
    assert "Webhook URL *:" in texts  # required fields are marked
    [label] = [
        label for label in groups[1].findChildren(QLabel) if label.text() == "Webhook URL *:"
    ]
    assert label.buddy() is dialog.field_widget("webhook_url")  # its shortcut focuses the field
    assert label.toolTip() == "Required"
    assert "Where messages are posted." in texts  # help text under the field
    assert dialog.field_widget("webhook_url").toolTip() == "Where messages are posted."
    assert not groups[2].is_expanded()
    assert isinstance(groups[1], QGroupBox) and groups[1].title() == "Connection"


def test_new_configuration_is_prefilled_from_default_settings(
    qtbot: QtBot, chat: Integration
) -> None:
    dialog = make_dialog(qtbot, chat)
    assert dialog.windowTitle() == "Add Chat"
    assert not dialog.button_box.button(QDialogButtonBox.StandardButton.Apply).isEnabled()
    assert dialog.field_widget("webhook_url").value() == "https://chat.example/hook"
    assert dialog.field_widget("channel").value() == "#general"
    assert dialog.field_widget("retries").value() == 3


def test_valid_dialog_saves_exactly_what_was_typed(
    qtbot: QtBot, chat: Integration, store: ConfigStore
) -> None:
    dialog = make_dialog(qtbot, chat)
    fill(dialog, name="Team chat", enabled=False, **chat_settings())
    click(dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.result() == ConfigDialog.DialogCode.Accepted
    assert dialog.config is not None
    fresh = IntegrationManager(store)
    fresh.register_integration_class(ChatIntegration)
    [stored] = fresh.get_integration_configs("tests.chat")
    assert (stored.name, stored.enabled) == ("Team chat", False)
    assert stored.settings == {
        "webhook_url": "https://chat.example/a",
        "channel": "#dev",
        "token": "t0k",
        "retries": 2,
    }


def test_invalid_input_is_blocked_with_messages_next_to_fields(
    qtbot: QtBot, chat: Integration, manager: IntegrationManager
) -> None:
    dialog = make_dialog(qtbot, chat)
    dialog.show()
    fill(dialog, name="  ", webhook_url="not a url", channel="dev", token="x")
    click(dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.isVisible()
    assert manager.get_integration_configs() == []
    assert dialog.banner.text().startswith(CORRECT_ERRORS)
    errors = {name: dialog._rows[name].error_label for name in ("name", "webhook_url", "channel")}
    assert errors["name"].text() == "Enter a name for this configuration."
    assert errors["webhook_url"].text() == "Enter a full URL, such as https://example.com/…."
    assert "valid URL" in errors["webhook_url"].toolTip()  # pydantic's words, for authors
    assert errors["channel"].text() == (
        "This is not in the form this field expects; see its help text."
    )
    assert "pattern" in errors["channel"].toolTip()
    assert all(label.isVisible() for label in errors.values())
    assert not dialog._rows["token"].error_label.isVisible()
    assert dialog.focusWidget() is dialog.field_widget("name").line_edit  # type: ignore[attr-defined]


def test_error_in_a_collapsed_fieldset_opens_it(qtbot: QtBot, chat: Integration) -> None:
    dialog = make_dialog(qtbot, chat)
    dialog.show()
    advanced = dialog._rows["retries"].group
    assert not dialog.field_widget("retries").isVisible()
    dialog.show_errors({"retries": ["Too many."]})
    assert advanced.is_expanded()
    assert dialog.field_widget("retries").isVisible()
    assert dialog._rows["retries"].error_label.isVisible()
    assert dialog._rows["retries"].error_label.text() == "Too many."


def test_a_collapsed_fieldset_opens_and_closes_with_its_toggle(
    qtbot: QtBot, chat: Integration
) -> None:
    dialog = make_dialog(qtbot, chat)
    dialog.show()
    advanced = dialog._rows["retries"].group
    retries = dialog.field_widget("retries")
    assert advanced.toggle is not None and advanced.toggle.isVisible()
    assert not retries.isVisible()
    advanced.toggle.click()
    assert advanced.is_expanded() and retries.isVisible()
    labels = [label.text() for label in advanced.findChildren(QLabel) if label.isVisible()]
    assert "Retries:" in labels
    advanced.toggle.click()
    assert not advanced.is_expanded() and not retries.isVisible()
    assert advanced.toggle.isVisible()


def test_editing_shows_the_stored_values_and_apply_follows_changes(
    qtbot: QtBot, chat: Integration
) -> None:
    config = chat.create_config(name="Ops", enabled=False, settings=chat_settings(), save=True)
    dialog = make_dialog(qtbot, chat, config)
    assert dialog.data() == {"name": "Ops", "enabled": False, **chat_settings()}
    apply = dialog.button_box.button(QDialogButtonBox.StandardButton.Apply)
    assert not apply.isEnabled()
    dialog.field_widget("channel").line_edit.setText("#ops")  # type: ignore[attr-defined]
    dialog.field_widget("channel").line_edit.textEdited.emit("#ops")  # type: ignore[attr-defined]
    assert apply.isEnabled()
    apply.click()
    assert config.settings["channel"] == "#ops"
    assert not apply.isEnabled()


def test_ok_without_changes_closes_without_writing(
    qtbot: QtBot, chat: Integration, manager: IntegrationManager
) -> None:
    config = chat.create_config(name="Ops", settings=chat_settings(), save=True)
    revision = config.revision
    dialog = make_dialog(qtbot, chat, config)
    dialog.show()
    click(dialog, QDialogButtonBox.StandardButton.Ok)
    assert not dialog.isVisible()
    assert config.revision == revision


def test_restore_defaults_keeps_the_name(qtbot: QtBot, chat: Integration) -> None:
    config = chat.create_config(name="Ops", settings=chat_settings(), save=True)
    dialog = make_dialog(qtbot, chat, config)
    click(dialog, QDialogButtonBox.StandardButton.RestoreDefaults)
    assert dialog.field_widget("name").value() == "Ops"
    assert dialog.field_widget("webhook_url").value() == "https://chat.example/hook"
    assert dialog.field_widget("retries").value() == 3
    assert config.settings == chat_settings()  # nothing saved yet


@pytest.mark.parametrize(
    ("answer", "closed"),
    [(QMessageBox.StandardButton.Cancel, False), (QMessageBox.StandardButton.Discard, True)],
)
def test_cancel_with_unsaved_changes_asks_first(
    qtbot: QtBot,
    chat: Integration,
    monkeypatch: pytest.MonkeyPatch,
    answer: QMessageBox.StandardButton,
    closed: bool,
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[1]) or answer)
    dialog = make_dialog(qtbot, chat)
    dialog.show()
    fill(dialog, name="Something typed")
    click(dialog, QDialogButtonBox.StandardButton.Cancel)
    assert asked == ["Save changes?"]
    assert dialog.isVisible() is not closed


def test_cancel_without_changes_closes_without_asking(
    qtbot: QtBot, chat: Integration, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked"))
    dialog = make_dialog(qtbot, chat)
    dialog.show()
    click(dialog, QDialogButtonBox.StandardButton.Cancel)
    assert not dialog.isVisible()


def test_secret_is_masked_until_shown(qtbot: QtBot, chat: Integration) -> None:
    from PySide6.QtWidgets import QLineEdit

    dialog = make_dialog(qtbot, chat)
    secret = dialog.field_widget("token")
    assert secret.line_edit.echoMode() == QLineEdit.EchoMode.Password  # type: ignore[attr-defined]
    secret.toggle.click()  # type: ignore[attr-defined]
    assert secret.line_edit.echoMode() == QLineEdit.EchoMode.Normal  # type: ignore[attr-defined]
    assert secret.toggle.text() == "Hide"  # type: ignore[attr-defined]
    secret.toggle.click()  # type: ignore[attr-defined]
    assert secret.line_edit.echoMode() == QLineEdit.EchoMode.Password  # type: ignore[attr-defined]


def test_store_error_keeps_the_dialog_open_with_the_input(
    qtbot: QtBot, chat: Integration, manager: IntegrationManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = chat.create_config(name="Ops", settings=chat_settings(), save=True)

    def fail(*args: object, **kwargs: object) -> int:
        raise StoreError(f"Cannot save to {manager.store.path}: the disk or the database is full")

    dialog = make_dialog(qtbot, chat, config)
    dialog.show()
    fill(dialog, name="Renamed", channel="#new")
    monkeypatch.setattr(manager.store, "save_config", fail)
    click(dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.isVisible()
    assert "the disk or the database is full" in dialog.banner.text()
    assert dialog.field_widget("name").value() == "Renamed"
    assert dialog.field_widget("channel").value() == "#new"
    assert (config.name, config.settings["channel"]) == ("Ops", "#dev")
    monkeypatch.setattr(
        manager.store, "save_config", ConfigStore.save_config.__get__(manager.store)
    )
    manager.clear_all_configs_cache()
    [stored] = manager.get_integration_configs()
    assert (stored.name, stored.settings["channel"]) == ("Ops", "#dev")


def _changed_elsewhere(manager: IntegrationManager, config_id: int) -> None:
    other_store = ConfigStore(manager.store.path)
    try:
        other = IntegrationManager(other_store)
        other.register_integration_class(ChatIntegration)
        [copy] = other.get_integration_configs("tests.chat", id=config_id)
        copy.set("channel", "#theirs")
        copy.save()
        other.shutdown()
    finally:
        other_store.close()


@pytest.mark.parametrize("choice", ["overwrite", "reload"])
def test_conflicting_edit_offers_reload_or_overwrite(
    qtbot: QtBot,
    chat: Integration,
    manager: IntegrationManager,
    monkeypatch: pytest.MonkeyPatch,
    choice: str,
) -> None:
    config = chat.create_config(name="Ops", settings=chat_settings(), save=True)
    assert config.id is not None
    dialog = make_dialog(qtbot, chat, config)
    dialog.show()
    _changed_elsewhere(manager, config.id)
    fill(dialog, channel="#mine")
    asked: list[bool] = []
    monkeypatch.setattr(dialog, "ask_conflict", lambda: asked.append(True) or choice)
    click(dialog, QDialogButtonBox.StandardButton.Apply)
    assert asked == [True]
    manager.clear_all_configs_cache()
    [stored] = manager.get_integration_configs()
    if choice == "overwrite":
        assert stored.settings["channel"] == "#mine"
    else:
        assert stored.settings["channel"] == "#theirs"
        assert dialog.field_widget("channel").value() == "#theirs"
        assert not dialog.has_changes()


def test_stored_settings_that_no_longer_validate_open_with_their_errors(
    qtbot: QtBot, chat: Integration, manager: IntegrationManager
) -> None:
    broken = chat_settings(webhook_url="ftp:/nowhere", channel="no-hash")
    config = chat.create_config(name="Old", settings=broken, save=True)
    dialog = make_dialog(qtbot, chat, config)
    assert dialog.field_widget("webhook_url").value() == "ftp:/nowhere"
    assert dialog.field_widget("channel").value() == "no-hash"
    assert dialog.banner.text().startswith(CORRECT_ERRORS)
    assert dialog._rows["webhook_url"].error_label.text()
    assert dialog._rows["channel"].error_label.text()
    manager.clear_all_configs_cache()
    [stored] = manager.get_integration_configs()
    assert stored.settings == broken  # nothing dropped until the user saves


def test_secret_typed_into_the_dialog_is_not_in_any_file_of_the_data_folder(
    qtbot: QtBot, chat: Integration, manager: IntegrationManager
) -> None:
    secret = "xq-very-secret-token-1234"
    dialog = make_dialog(qtbot, chat)
    fill(dialog, name="Secretive", **chat_settings(token=secret))
    click(dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.config is not None and dialog.config.get("token") == secret
    files = [p for p in manager.store.path.parent.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert secret.encode() not in path.read_bytes(), path
