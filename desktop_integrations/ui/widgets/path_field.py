"""PathField: a file path editor with a Browse button."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QFileDialog, QLineEdit, QPushButton, QWidget

from desktop_integrations.fields import UIField
from desktop_integrations.ui.widgets.field_widget import FieldWidget


class PathField(FieldWidget):
    """A line edit for a path, and a Browse button that opens a file chooser.

    ``json_schema_extra={"directory": True}`` chooses a folder instead, and
    ``{"save": True}`` a file that may not exist yet.
    """

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.line_edit = QLineEdit(self)
        self.line_edit.setAccessibleName(field.title)
        self.line_edit.textEdited.connect(self.changed)
        self.browse_button = QPushButton("Browse…", self)
        self.browse_button.setAccessibleName(f"Browse for {field.title}")
        self.browse_button.clicked.connect(self.browse)
        row = self._editor_row()
        row.addWidget(self.line_edit)
        row.addWidget(self.browse_button)
        self.setFocusProxy(self.line_edit)

    def browse(self) -> None:
        """Let the user choose the path in a file dialog."""
        caption = f"Choose {self.field.title}"
        start = self.line_edit.text()
        if self.field.extra.get("directory"):
            path = QFileDialog.getExistingDirectory(self, caption, start)
        elif self.field.extra.get("save"):
            path = QFileDialog.getSaveFileName(self, caption, start)[0]
        else:
            path = QFileDialog.getOpenFileName(self, caption, start)[0]
        if path:
            self.line_edit.setText(path)
            self.changed.emit()

    def value(self) -> Any:
        """Return the path text, None when empty and optional."""
        text = self.line_edit.text()
        return None if not text and self.field.optional else text

    def set_value(self, value: Any) -> None:
        """Show ``value``."""
        with QSignalBlocker(self.line_edit):
            self.line_edit.setText("" if value is None else str(value))
