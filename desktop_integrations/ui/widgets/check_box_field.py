"""CheckBoxField: a check box for ``bool`` fields, labelled with the field's title."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QCheckBox, QWidget

from desktop_integrations.fields import UIField
from desktop_integrations.ui.widgets.field_widget import FieldWidget


class CheckBoxField(FieldWidget):
    """A check box whose text is the field's title."""

    shows_label = True

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.check_box = QCheckBox(field.title, self)
        self.check_box.toggled.connect(self.changed)
        self._editor_column().addWidget(self.check_box)
        self.setFocusProxy(self.check_box)

    def value(self) -> Any:
        """Return whether the box is checked."""
        return self.check_box.isChecked()

    def set_value(self, value: Any) -> None:
        """Check the box if ``value`` is true."""
        with QSignalBlocker(self.check_box):
            self.check_box.setChecked(bool(value))
