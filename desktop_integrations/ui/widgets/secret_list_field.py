"""SecretListField: a list of secrets (such as headers), masked, with one show/hide toggle."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QToolButton, QVBoxLayout, QWidget

from desktop_integrations.fields import UIField
from desktop_integrations.ui.widgets.field_widget import FieldWidget


class SecretListField(FieldWidget):
    """One masked line edit per entry, each with a Remove button; Show reveals them all.

    Blank entries are left out of the value.
    """

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        #: One editor per entry, and the button that removes it.
        self.line_edits: list[QLineEdit] = []
        self.remove_buttons: list[QToolButton] = []
        column = self._editor_column()
        self._entries = QVBoxLayout()
        self._entries.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self._entries)
        buttons = QHBoxLayout()
        add = QPushButton("Add", self)
        add.setAccessibleName(f"Add to {field.title}")
        add.clicked.connect(lambda: self.add_entry(focus=True))
        self.toggle = QToolButton(self)
        self.toggle.setText("Show")
        self.toggle.setCheckable(True)
        self.toggle.setAccessibleName(f"Show {field.title}")
        self.toggle.setToolTip("Show or hide the secrets")
        self.toggle.toggled.connect(self._set_revealed)
        buttons.addWidget(add)
        buttons.addWidget(self.toggle)
        buttons.addStretch()
        column.addLayout(buttons)

    def _echo_mode(self) -> QLineEdit.EchoMode:
        if self.toggle.isChecked():
            return QLineEdit.EchoMode.Normal
        return QLineEdit.EchoMode.Password

    def _set_revealed(self, revealed: bool) -> None:
        for line_edit in self.line_edits:
            line_edit.setEchoMode(self._echo_mode())
        self.toggle.setText("Hide" if revealed else "Show")

    def add_entry(self, text: str = "", *, focus: bool = False) -> QLineEdit:
        """Add an entry holding ``text``; with ``focus``, start typing in it."""
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        line_edit = QLineEdit(text, row)
        line_edit.setAccessibleName(f"{self.field.title} {len(self.line_edits) + 1}")
        line_edit.setEchoMode(self._echo_mode())
        line_edit.textEdited.connect(self._emit_changed)
        remove = QToolButton(row)
        remove.setText("Remove")
        remove.setAccessibleName(f"Remove from {self.field.title}")
        remove.clicked.connect(lambda: self._remove(row, line_edit, remove))
        layout.addWidget(line_edit)
        layout.addWidget(remove)
        self._entries.addWidget(row)
        self.line_edits.append(line_edit)
        self.remove_buttons.append(remove)
        if focus:
            line_edit.setFocus()
            self.changed.emit()
        return line_edit

    def _remove(
        self, row: QWidget, line_edit: QLineEdit, button: QToolButton, *, quietly: bool = False
    ) -> None:
        self.line_edits.remove(line_edit)
        self.remove_buttons.remove(button)
        self._entries.removeWidget(row)
        row.deleteLater()
        if not quietly:
            self.changed.emit()

    def value(self) -> Any:
        """Return the non-blank entries, in order."""
        return [edit.text() for edit in self.line_edits if edit.text().strip()]

    def set_value(self, value: Any) -> None:
        """Show the entries of ``value`` (masked unless Show is on)."""
        for line_edit, button in zip(list(self.line_edits), list(self.remove_buttons), strict=True):
            row = line_edit.parentWidget()
            assert row is not None
            self._remove(row, line_edit, button, quietly=True)
        for entry in value or ():
            text = entry.get_secret_value() if isinstance(entry, SecretStr) else str(entry)
            self.add_entry(text)
