"""The configuration dialog's buttons, their state, and its unsaved-changes question."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QPushButton, QWidget

from desktop_integrations.ui.icons import app_icon

if TYPE_CHECKING:
    from desktop_integrations.ui.dialog_actions import DialogAction

_BUTTONS = QDialogButtonBox.StandardButton
#: Every standard button of the dialog, with its text and Alt mnemonic.
TEXTS = {
    _BUTTONS.Ok: "&OK",
    _BUTTONS.Apply: "&Apply",
    _BUTTONS.Cancel: "&Cancel",
    _BUTTONS.RestoreDefaults: "Restore &Defaults",
    _BUTTONS.Reset: "&Reset",
}


def button_box(parent: QWidget) -> QDialogButtonBox:
    """Return OK, Apply and Cancel on the right; Restore Defaults and Reset on the left.

    Reset puts back the saved values; buttons added later with the reset
    role (Send Test Event) join them on the left, away from OK and Cancel.
    """
    box = QDialogButtonBox(
        _BUTTONS.Ok | _BUTTONS.Cancel | _BUTTONS.Apply | _BUTTONS.RestoreDefaults | _BUTTONS.Reset,
        parent,
    )
    for which, text in TEXTS.items():
        box.button(which).setText(text)
    box.button(_BUTTONS.Reset).setToolTip("Show the saved values again")
    box.button(_BUTTONS.RestoreDefaults).setToolTip(
        "Put every setting back to its default; the name stays"
    )
    return box


def enable_buttons(box: QDialogButtonBox, *, apply: bool, reset: bool) -> None:
    """Enable or disable Apply and Reset (the other standard buttons stay enabled)."""
    box.button(_BUTTONS.Apply).setEnabled(apply)
    box.button(_BUTTONS.Reset).setEnabled(reset)


def action_button(parent: QWidget, action: DialogAction) -> QPushButton:
    """Return the button of an extra dialog action: its text, tooltip and icon.

    It is never the default button, so Enter still means OK.
    """
    button = QPushButton(action.text, parent)
    button.setAutoDefault(False)
    button.setToolTip(action.tooltip)
    if action.icon:
        button.setIcon(app_icon(action.icon))
    return button


def ask_unsaved(parent: QWidget) -> str:
    """Ask what to do with unsaved changes: return "save", "discard" or "cancel"."""
    answer = QMessageBox.question(
        parent,
        "Save changes?",
        "You have unsaved changes. Save them before closing?",
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save,
    )
    if answer == QMessageBox.StandardButton.Save:
        return "save"
    return "discard" if answer == QMessageBox.StandardButton.Discard else "cancel"
