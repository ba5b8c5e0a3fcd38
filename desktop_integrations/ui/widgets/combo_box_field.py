"""ComboBoxField: a choice among a ``Literal``'s or an ``Enum``'s values."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QComboBox, QWidget

from desktop_integrations.fields import UIField
from desktop_integrations.ui.widgets.field_widget import FieldWidget

#: The entry an optional choice shows for "no value".
NONE_LABEL = "(none)"


class ComboBoxField(FieldWidget):
    """A combo box of the field's choices; an optional field adds "(none)".

    A stored value that is no longer a choice is kept as an extra entry, so
    the form reports it rather than the dialog silently picking another.
    """

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.combo_box = QComboBox(self)
        self.combo_box.setAccessibleName(field.title)
        # The values stay in Python, by index: one addItems() call fills the box.
        none: list[tuple[str, Any]] = [(NONE_LABEL, None)] if field.optional else []
        entries = none + [(choice.label, choice.value) for choice in field.choices]
        self._values = [value for _, value in entries]
        self.combo_box.addItems([label for label, _ in entries])
        self.combo_box.currentIndexChanged.connect(self.changed)
        self._editor_column().addWidget(self.combo_box, 0, Qt.AlignmentFlag.AlignLeft)
        self.setFocusProxy(self.combo_box)

    def value(self) -> Any:
        """Return the chosen value."""
        index = self.combo_box.currentIndex()
        return self._values[index] if index >= 0 else None

    def set_value(self, value: Any) -> None:
        """Select ``value``."""
        if isinstance(value, enum.Enum):
            value = value.value
        with QSignalBlocker(self.combo_box):
            if value in self._values:
                self.combo_box.setCurrentIndex(self._values.index(value))
                return
            self._values.append(value)
            self.combo_box.addItem(f"{value} (not a valid choice)")
            self.combo_box.setCurrentIndex(len(self._values) - 1)
