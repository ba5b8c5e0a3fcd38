"""Asking what to do when a configuration changed elsewhere before it was saved or deleted."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def ask_delete_conflict(parent: QWidget, name: str) -> str:
    """Ask whether to reload or delete anyway; return "reload", "delete" or "cancel"."""
    return _ask(
        parent,
        f"“{name}” was changed by another window or program since it was loaded.\n\n"
        "Reload it to see that change, or delete it anyway (the change is lost)?",
        "Delete Anyway",
        "delete",
    )


def ask_save_conflict(parent: QWidget) -> str:
    """Ask what to do about a conflicting edit: "reload", "overwrite" or "cancel"."""
    return _ask(
        parent,
        "This configuration was changed by another window or program since you "
        "opened it.\n\nReload its stored values (your changes here are lost), or "
        "overwrite them with yours?",
        "Overwrite",
        "overwrite",
    )


def _ask(parent: QWidget, text: str, button: str, answer: str) -> str:
    """Offer Reload, ``button`` and Cancel; return "reload", ``answer`` or "cancel"."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, "Configuration changed elsewhere", text, parent=parent
    )
    reload = box.addButton("Reload", QMessageBox.ButtonRole.ResetRole)
    other = box.addButton(button, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    return "reload" if clicked is reload else answer if clicked is other else "cancel"
