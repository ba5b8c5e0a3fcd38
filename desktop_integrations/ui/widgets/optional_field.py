"""OptionalField: lets a value that cannot be empty (a number, a date) be left unset."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QCheckBox, QWidget

from desktop_integrations.fields import UIField
from desktop_integrations.ui.widgets.field_widget import FieldWidget


class OptionalField(FieldWidget):
    """Wraps another field widget with a "Set" check box; unchecked gives None."""

    def __init__(self, field: UIField, inner: FieldWidget, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.inner = inner
        self.set_box = QCheckBox("Set", self)
        self.set_box.setAccessibleName(f"Set {field.title}")
        self.set_box.toggled.connect(self._on_toggled)
        inner.changed.connect(self.changed)
        inner.setEnabled(False)
        row = self._editor_row()
        row.addWidget(self.set_box)
        row.addWidget(inner, 1)
        self.setFocusProxy(self.set_box)

    def _on_toggled(self, checked: bool) -> None:
        self.inner.setEnabled(checked)
        self.changed.emit()

    def value(self) -> Any:
        """Return the inner widget's value, or None when unset."""
        return self.inner.value() if self.set_box.isChecked() else None

    def set_value(self, value: Any) -> None:
        """Show ``value``; None unsets."""
        with QSignalBlocker(self.set_box):
            self.set_box.setChecked(value is not None)
        self.inner.setEnabled(value is not None)
        if value is not None:
            self.inner.set_value(value)
