"""The integration picker is driven by the keyboard: filter, move, Enter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_integrations import Integration, IntegrationManager
from desktop_integrations.ui.config_dialog import ConfigDialog
from desktop_integrations.ui.main_window import MainWindow

from .conftest import ChatIntegration


class Mail(ChatIntegration):
    integration_id = "tests.mail"
    name = "Mail"
    description = "Sends mail."


def make_window(qtbot: QtBot, manager: IntegrationManager) -> MainWindow:
    window = MainWindow(manager)
    qtbot.addWidget(window)
    window.show()
    return window


def current_name(window: MainWindow) -> str | None:
    index = window.picker.view.currentIndex()
    return index.data() if index.isValid() else None


def selected_names(window: MainWindow) -> list[str]:
    return [index.data() for index in window.picker.view.selectionModel().selectedIndexes()]


def test_down_and_up_in_the_filter_move_through_the_list_and_enter_opens_that_one(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration, every_kind: Integration
) -> None:
    mail = manager.register_integration_class(Mail)
    window = make_window(qtbot, manager)
    window.actions_by_name["new"].trigger()
    edit = window.picker.filter_edit
    assert window.focusWidget() is edit
    assert current_name(window) == "Chat" and selected_names(window) == ["Chat"]
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    assert selected_names(window) == ["Mail"]
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert selected_names(window) == ["Every Kind"]
    assert window.focusWidget() is edit  # typing goes on filtering
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    [dialog] = window.findChildren(ConfigDialog)
    assert dialog.integration is every_kind
    dialog.reject()
    assert mail is not None


def test_typing_keeps_a_match_highlighted_and_enter_opens_it(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration, every_kind: Integration
) -> None:
    manager.register_integration_class(Mail)
    window = make_window(qtbot, manager)
    edit = window.picker.filter_edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Down)  # on Every Kind
    qtbot.keyClicks(edit, "ma")  # Every Kind no longer matches
    assert selected_names(window) == ["Mail"]
    qtbot.keyClick(edit, Qt.Key.Key_Enter)
    [dialog] = window.findChildren(ConfigDialog)
    assert dialog.integration.name == "Mail"


def test_no_match_says_so_and_enter_opens_nothing(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    window = make_window(qtbot, manager)
    edit = window.picker.filter_edit
    qtbot.keyClicks(edit, "xyz")
    assert window.picker.empty_label.isVisible()
    assert window.picker.empty_label.text() == "No integration matches “xyz”."
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.findChildren(ConfigDialog) == []
    edit.clear()
    assert not window.picker.empty_label.isVisible()
    assert selected_names(window) == ["Chat"]
