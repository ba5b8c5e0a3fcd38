"""SecretField: a masked editor for secrets, with a show/hide toggle."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr
from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QLineEdit, QToolButton, QWidget

from desktop_integrations.fields import UIField
from desktop_integrations.ui.widgets.field_widget import FieldWidget


class SecretField(FieldWidget):
    """A password line edit; the Show button reveals the text while checked."""

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.line_edit = QLineEdit(self)
        self.line_edit.setAccessibleName(field.title)
        self.line_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.line_edit.textEdited.connect(self.changed)
        self.toggle = QToolButton(self)
        self.toggle.setText("Show")
        self.toggle.setCheckable(True)
        self.toggle.setAccessibleName(f"Show {field.title}")
        self.toggle.setToolTip("Show or hide the secret")
        self.toggle.toggled.connect(self._set_revealed)
        row = self._editor_row()
        row.addWidget(self.line_edit)
        row.addWidget(self.toggle)
        self.setFocusProxy(self.line_edit)

    def _set_revealed(self, revealed: bool) -> None:
        self.line_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if revealed else QLineEdit.EchoMode.Password
        )
        self.toggle.setText("Hide" if revealed else "Show")

    def value(self) -> Any:
        """Return the secret text, None when empty and optional."""
        text = self.line_edit.text()
        return None if not text and self.field.optional else text

    def set_value(self, value: Any) -> None:
        """Show ``value`` (masked)."""
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        with QSignalBlocker(self.line_edit):
            self.line_edit.setText("" if value is None else str(value))
