"""The configuration dialog's buttons and its unsaved-changes question."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QWidget

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
