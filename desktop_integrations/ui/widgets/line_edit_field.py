"""LineEditField: a one-line text editor for text, URLs and unknown types."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop_integrations.fields import UIField
from desktop_integrations.ui.widgets.field_widget import FieldWidget

_PLACEHOLDERS = {"url": "https://", "unknown": "A value, or JSON"}
#: Text read as JSON for an unknown type: a list, a mapping or a quoted string.
_JSON_STARTS = ("[", "{", '"')


class LineEditField(FieldWidget):
    """A line edit. An empty optional field gives None.

    For a type the registry does not know, text that looks like a JSON list,
    mapping or string is read as JSON when it parses, and anything else is
    passed to the form as typed: pydantic then says what is wrong with it.
    """

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.line_edit = QLineEdit(self)
        self.line_edit.setAccessibleName(field.title)
        max_length = field.constraints.get("max_length")
        if isinstance(max_length, int):
            self.line_edit.setMaxLength(max_length)
        if field.kind in _PLACEHOLDERS:
            self.line_edit.setPlaceholderText(_PLACEHOLDERS[field.kind])
        self.line_edit.textEdited.connect(self.changed)
        self._editor_column().addWidget(self.line_edit)
        self.setFocusProxy(self.line_edit)

    def value(self) -> Any:
        """Return the text, None when empty and optional."""
        text = self.line_edit.text()
        if not text and self.field.optional:
            return None
        if self.field.kind == "unknown" and text.lstrip().startswith(_JSON_STARTS):
            try:
                return json.loads(text)
            except ValueError:
                return text
        return text

    def set_value(self, value: Any) -> None:
        """Show ``value`` as text."""
        if value is None:
            text = ""
        elif isinstance(value, str) or self.field.kind != "unknown":
            text = str(value)
        else:
            text = json.dumps(value)
        with QSignalBlocker(self.line_edit):
            self.line_edit.setText(text)
