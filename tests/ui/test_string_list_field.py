"""The list editor (Email's "To"): Add opens a visible editor; an empty entry goes away."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from desktop_integrations import Integration
from desktop_integrations.ui import ConfigDialog
from desktop_integrations.ui.widgets.string_list_field import StringListField


@pytest.fixture
def dialog(qtbot: QtBot, every_kind: Integration) -> ConfigDialog:
    dialog = ConfigDialog(every_kind)
    qtbot.addWidget(dialog)
    dialog.resize(600, 1400)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.fixture
def tags(dialog: ConfigDialog) -> StringListField:
    widget = dialog.field_widget("tags")
    assert isinstance(widget, StringListField)
    return widget


def add_button(widget: StringListField) -> QPushButton:
    [button] = [b for b in widget.findChildren(QPushButton) if b.text().replace("&", "") == "Add"]
    return button


def editor(widget: StringListField) -> QLineEdit | None:
    found = [e for e in widget.list_widget.findChildren(QLineEdit) if e.isVisible()]
    return found[0] if found else None


def test_add_opens_a_visible_framed_editor_and_typing_adds_the_entry(
    qtbot: QtBot, tags: StringListField, capfd: pytest.CaptureFixture[str]
) -> None:
    qtbot.mouseClick(add_button(tags), Qt.MouseButton.LeftButton)
    line = editor(tags)
    assert line is not None and line.hasFrame() and line.hasFocus()
    assert line.width() > 50
    qtbot.keyClicks(line, "ops@example.com")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor(tags) is None)  # Qt commits after the key press
    assert tags.value() == ["ops@example.com"]
    assert "editing failed" not in capfd.readouterr().err


def test_an_entry_left_empty_is_removed_and_add_twice_adds_one(
    qtbot: QtBot, tags: StringListField
) -> None:
    tags.set_value(["a@example.com"])
    qtbot.mouseClick(add_button(tags), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(add_button(tags), Qt.MouseButton.LeftButton)
    assert tags.list_widget.count() == 2  # one new, still empty, entry
    line = editor(tags)
    assert line is not None
    qtbot.keyClick(line, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: editor(tags) is None)
    assert tags.list_widget.count() == 1
    assert tags.value() == ["a@example.com"]


def test_the_keyboard_adds_and_removes_entries(qtbot: QtBot, tags: StringListField) -> None:
    tags.set_value(["a@example.com", "b@example.com"])
    tags.list_widget.setFocus()
    tags.list_widget.setCurrentRow(0)
    qtbot.keyClick(tags.list_widget, Qt.Key.Key_Delete)
    assert tags.value() == ["b@example.com"]
    qtbot.keyClick(tags.list_widget, Qt.Key.Key_Insert)
    line = editor(tags)
    assert line is not None
    qtbot.keyClicks(line, "c@example.com")
    qtbot.keyClick(line, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: editor(tags) is None)
    assert tags.value() == ["b@example.com", "c@example.com"]
