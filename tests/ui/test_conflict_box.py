"""The questions asked when a configuration changed elsewhere: each button's answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_integrations.ui.conflict_box import ask_delete_conflict, ask_save_conflict


def ask_delete(parent: QWidget) -> str:
    return ask_delete_conflict(parent, "Team chat")


@pytest.mark.parametrize(
    ("ask", "button", "answer"),
    [
        (ask_delete, "Reload", "reload"),
        (ask_delete, "Delete Anyway", "delete"),
        (ask_delete, "Cancel", "cancel"),
        (ask_save_conflict, "Reload", "reload"),
        (ask_save_conflict, "Overwrite", "overwrite"),
        (ask_save_conflict, "Cancel", "cancel"),
    ],
)
def test_the_button_clicked_is_the_answer(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    ask: Callable[[QWidget], str],
    button: str,
    answer: str,
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    shown: list[tuple[str, list[str]]] = []

    def click(box: QMessageBox) -> int:
        buttons = box.buttons()
        shown.append((box.text(), sorted(b.text() for b in buttons)))
        (target,) = (b for b in buttons if b.text() == button)
        target.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click)

    assert ask(parent) == answer
    [(text, offered)] = shown
    destructive = "Delete Anyway" if ask is ask_delete else "Overwrite"
    assert offered == sorted(["Reload", destructive, "Cancel"])
    if ask is ask_delete:
        assert text.startswith("“Team chat” was changed by another window")
