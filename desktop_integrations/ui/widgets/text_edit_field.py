"""TextEditField: a multi-line text editor."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from desktop_integrations.fields import UIField
from desktop_integrations.ui.widgets.field_widget import FieldWidget


class TextEditField(FieldWidget):
    """A plain-text editor, for ``json_schema_extra={"widget": "textarea"}``."""

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setAccessibleName(field.title)
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setFixedHeight(self.text_edit.fontMetrics().lineSpacing() * 5 + 12)
        self.text_edit.textChanged.connect(self.changed)
        self._editor_column().addWidget(self.text_edit)
        self.setFocusProxy(self.text_edit)

    def value(self) -> Any:
        """Return the text, None when empty and optional."""
        text = self.text_edit.toPlainText()
        return None if not text and self.field.optional else text

    def set_value(self, value: Any) -> None:
        """Show ``value``."""
        with QSignalBlocker(self.text_edit):
            self.text_edit.setPlainText("" if value is None else str(value))
