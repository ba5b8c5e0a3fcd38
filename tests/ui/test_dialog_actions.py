from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from desktop_integrations import BoundConfigForm, Integration, IntegrationManager
from desktop_integrations.ui import (
    ConfigDialog,
    DialogAction,
    register_dialog_action,
    register_dialog_section,
)
from desktop_integrations.ui.dialog_actions import (
    unregister_dialog_action,
    unregister_dialog_section,
)

from .conftest import chat_settings

calls: list[tuple[ConfigDialog, BoundConfigForm]] = []


@pytest.fixture
def send_test() -> Iterator[DialogAction]:
    action = DialogAction("Send Test Event", lambda d, f: calls.append((d, f)), icon="action-send")
    register_dialog_action(action)
    calls.clear()
    yield action
    unregister_dialog_action(action)


def button(dialog: ConfigDialog, text: str) -> QPushButton:
    [found] = [b for b in dialog.button_box.buttons() if b.text() == text]
    assert isinstance(found, QPushButton)
    return found


def test_registered_action_gets_the_valid_values_shown(
    qtbot: QtBot, chat: Integration, send_test: DialogAction, manager: IntegrationManager
) -> None:
    dialog = ConfigDialog(chat)
    qtbot.addWidget(dialog)
    for name, value in {"name": "Draft", **chat_settings(channel="#try")}.items():
        dialog.field_widget(name).set_value(value)
    button(dialog, "Send Test Event").click()
    [(got_dialog, form)] = calls
    assert got_dialog is dialog
    assert form.cleaned_data["channel"] == "#try"
    current = dialog.current_config()
    assert current is not None and current.get("channel") == "#try" and current.id is None
    assert manager.get_integration_configs() == []  # an action saves nothing by itself


def test_action_is_not_run_on_invalid_values(
    qtbot: QtBot, chat: Integration, send_test: DialogAction
) -> None:
    dialog = ConfigDialog(chat)
    qtbot.addWidget(dialog)
    button(dialog, "Send Test Event").click()
    assert calls == []
    assert dialog._rows["name"].error_label.text()


def test_action_failure_is_shown_not_raised(qtbot: QtBot, chat: Integration) -> None:
    def boom(dialog: ConfigDialog, form: BoundConfigForm) -> None:
        raise RuntimeError("service down")

    dialog = ConfigDialog(chat)
    qtbot.addWidget(dialog)
    dialog.add_action(DialogAction("Ping", boom, needs_valid=False))
    button(dialog, "Ping").click()
    assert "Ping failed: service down" in dialog.banner.text()


def test_action_can_be_limited_to_some_integrations(
    qtbot: QtBot, chat: Integration, every_kind: Integration
) -> None:
    action = DialogAction("Chat only", lambda d, f: None, applies_to=lambda i: i is chat)
    register_dialog_action(action)
    try:
        chat_dialog, other = ConfigDialog(chat), ConfigDialog(every_kind)
        qtbot.addWidget(chat_dialog)
        qtbot.addWidget(other)
        texts = [b.text() for b in other.button_box.buttons()]
        assert "Chat only" in [b.text() for b in chat_dialog.button_box.buttons()]
        assert "Chat only" not in texts
    finally:
        unregister_dialog_action(action)


def test_registered_section_is_shown_under_the_fields(qtbot: QtBot, chat: Integration) -> None:
    def recent(dialog: ConfigDialog) -> QWidget | None:
        return QLabel("Recent deliveries: none") if dialog.config is None else None

    register_dialog_section(recent)
    try:
        dialog = ConfigDialog(chat)
        qtbot.addWidget(dialog)
        assert "Recent deliveries: none" in [label.text() for label in dialog.findChildren(QLabel)]
        assert dialog.button_box.standardButtons() & QDialogButtonBox.StandardButton.Ok
    finally:
        unregister_dialog_section(recent)
