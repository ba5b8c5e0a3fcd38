"""The configuration dialog from the keyboard: errors that clear, mnemonics, Tab stops."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop_integrations import Integration
from desktop_integrations.ui.config_dialog import ConfigDialog


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
