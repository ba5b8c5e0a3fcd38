"""The configuration dialog from the keyboard: errors that clear, mnemonics, Tab stops."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QDialogButtonBox,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
)
from pytestqt.qtbot import QtBot

from desktop_integrations import Integration, IntegrationManager
from desktop_integrations.ui.config_dialog import ConfigDialog
from desktop_integrations.ui.dialog_buttons import TEXTS

from .conftest import chat_settings


def shown_dialog(qtbot: QtBot, integration: Integration, config: object = None) -> ConfigDialog:
    dialog = ConfigDialog(integration, config)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return dialog


def test_a_corrected_field_loses_its_error_when_the_focus_leaves_it(
    qtbot: QtBot, chat: Integration
) -> None:
    dialog = shown_dialog(qtbot, chat)
    dialog.field_widget("name").set_value("Ops")
    url = dialog.field_widget("webhook_url")
    url.set_value("not a url")
    dialog.button_box.button(QDialogButtonBox.StandardButton.Ok).click()
    label = dialog._rows["webhook_url"].error_label
    assert label.isVisible() and dialog.banner.isVisible()
    url.setFocus()
    qtbot.waitUntil(lambda: url.isAncestorOf(QApplication.focusWidget()))
    editor = QApplication.focusWidget()
    editor.selectAll()  # type: ignore[union-attr]
    qtbot.keyClicks(editor, "https://chat.example/b")
    assert label.isVisible()  # not while typing
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert not url.isAncestorOf(QApplication.focusWidget())
    assert not label.isVisible()
    assert not dialog.banner.isVisible()


def texts(dialog: ConfigDialog) -> dict[QDialogButtonBox.StandardButton, str]:
    box = dialog.button_box
    return {which: box.button(which).text() for which in TEXTS}


def test_buttons_have_mnemonics_and_reset_brings_back_the_saved_values(
    qtbot: QtBot, chat: Integration
) -> None:
    config = chat.create_config(name="Ops", enabled=True, settings=chat_settings(), save=True)
    dialog = shown_dialog(qtbot, chat, config)
    assert texts(dialog) == {
        which: text
        for which, text in {
            QDialogButtonBox.StandardButton.Ok: "&OK",
            QDialogButtonBox.StandardButton.Apply: "&Apply",
            QDialogButtonBox.StandardButton.Cancel: "&Cancel",
            QDialogButtonBox.StandardButton.RestoreDefaults: "Restore &Defaults",
            QDialogButtonBox.StandardButton.Reset: "&Reset",
        }.items()
    }
    reset = dialog.button_box.button(QDialogButtonBox.StandardButton.Reset)
    assert not reset.isEnabled()
    channel = dialog.field_widget("channel")
    channel.set_value("#elsewhere")
    channel.changed.emit()
    assert reset.isEnabled()
    assert reset.shortcut() == QKeySequence("Alt+R")  # the mnemonic
    reset.click()
    assert channel.value() == "#dev"
    assert not dialog.has_changes() and not reset.isEnabled()


def test_send_test_event_sits_left_with_restore_defaults(qtbot: QtBot, chat: Integration) -> None:
    from desktop_integrations.ui.dialog_actions import DialogAction

    dialog = shown_dialog(qtbot, chat)
    test = dialog.add_action(DialogAction("Send &Test Event", lambda d, f: None))
    box = dialog.button_box
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
    defaults = box.button(QDialogButtonBox.StandardButton.RestoreDefaults)
    qtbot.waitUntil(lambda: test.isVisible())
    right = min(ok.x(), cancel.x())
    assert test.x() < right and defaults.x() < right


def test_closing_with_unsaved_changes_offers_save_discard_cancel(
    qtbot: QtBot, chat: Integration, manager: IntegrationManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[object] = []

    def question(*args: object) -> QMessageBox.StandardButton:
        offered.append(args[3])
        return QMessageBox.StandardButton.Save

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog = shown_dialog(qtbot, chat)
    for name, value in {"name": "Typed", **chat_settings()}.items():
        dialog.field_widget(name).set_value(value)
    dialog.field_widget("name").changed.emit()
    dialog.button_box.button(QDialogButtonBox.StandardButton.Cancel).click()
    buttons = QMessageBox.StandardButton
    assert offered == [buttons.Save | buttons.Discard | buttons.Cancel]
    assert not dialog.isVisible()
    assert [c.name for c in manager.get_integration_configs()] == ["Typed"]


def test_every_tab_stop_shows_where_the_focus_is(qtbot: QtBot, chat: Integration) -> None:
    dialog = shown_dialog(qtbot, chat)
    dialog.field_widget("name").setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    seen = []
    for _ in range(25):
        focus = QApplication.focusWidget()
        assert focus is not None and focus.isVisible()
        assert not isinstance(focus, QAbstractScrollArea) or isinstance(
            focus, (QAbstractItemView, QPlainTextEdit, QTextEdit)
        ), f"an invisible Tab stop: {focus!r}"
        seen.append(focus)
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
    assert dialog.button_box.button(QDialogButtonBox.StandardButton.Ok) in seen
