"""SpinBoxField: an integer editor limited by the field's ``ge``/``le``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QSpinBox, QWidget

from desktop_integrations.fields import UIField
from desktop_integrations.ui.widgets.field_widget import FieldWidget

_INT_MAX = 2**31 - 1


def int_range(field: UIField) -> tuple[int, int]:
    """Return the (minimum, maximum) a field's constraints allow, within a spin box's."""
    c = field.constraints
    low = c["ge"] if "ge" in c else c["gt"] + 1 if "gt" in c else -_INT_MAX
    high = c["le"] if "le" in c else c["lt"] - 1 if "lt" in c else _INT_MAX
    return max(int(low), -_INT_MAX), min(int(high), _INT_MAX)


class SpinBoxField(FieldWidget):
    """A spin box for ``int`` fields."""

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.spin_box = QSpinBox(self)
        self.spin_box.setAccessibleName(field.title)
        self.spin_box.setRange(*int_range(field))
        step = field.constraints.get("multiple_of")
        if isinstance(step, int):
            self.spin_box.setSingleStep(step)
        self.spin_box.valueChanged.connect(self.changed)
        self._editor_column().addWidget(self.spin_box, 0, Qt.AlignmentFlag.AlignLeft)
        self.setFocusProxy(self.spin_box)

    def value(self) -> Any:
        """Return the number."""
        return self.spin_box.value()

    def set_value(self, value: Any) -> None:
        """Show ``value``; anything that is not a number shows the minimum."""
        with QSignalBlocker(self.spin_box):
            try:
                self.spin_box.setValue(int(value))
            except (TypeError, ValueError):
                self.spin_box.setValue(self.spin_box.minimum())
