"""Asking what to do when a configuration changed elsewhere before it was saved or deleted."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def ask_delete_conflict(parent: QWidget, name: str) -> str:
    """Ask whether to reload or delete anyway; return "reload", "delete" or "cancel"."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Configuration changed elsewhere",
        f"“{name}” was changed by another window or program since it was loaded.\n\n"
        "Reload it to see that change, or delete it anyway (the change is lost)?",
        parent=parent,
    )
    reload = box.addButton("Reload", QMessageBox.ButtonRole.ResetRole)
    delete = box.addButton("Delete Anyway", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    return "reload" if clicked is reload else "delete" if clicked is delete else "cancel"


def ask_save_conflict(parent: QWidget) -> str:
    """Ask what to do about a conflicting edit: "reload", "overwrite" or "cancel"."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Configuration changed elsewhere",
        "This configuration was changed by another window or program since you "
        "opened it.\n\nReload its stored values (your changes here are lost), or "
        "overwrite them with yours?",
        parent=parent,
    )
    reload = box.addButton("Reload", QMessageBox.ButtonRole.ResetRole)
    overwrite = box.addButton("Overwrite", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    return "reload" if clicked is reload else "overwrite" if clicked is overwrite else "cancel"
