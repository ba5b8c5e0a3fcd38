"""DoubleSpinBoxField: a decimal number editor limited by ``ge``/``le``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QDoubleSpinBox, QWidget

from desktop_integrations.fields import UIField
from desktop_integrations.ui.widgets.field_widget import FieldWidget

_LIMIT = 1e15


class DoubleSpinBoxField(FieldWidget):
    """A double spin box for ``float`` fields.

    ``json_schema_extra={"decimals": n}`` sets the decimals shown (default 2).
    """

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        c = field.constraints
        self.spin_box = QDoubleSpinBox(self)
        self.spin_box.setAccessibleName(field.title)
        decimals = field.extra.get("decimals")
        if isinstance(decimals, int):
            self.spin_box.setDecimals(decimals)
        low = c.get("ge", c.get("gt", -_LIMIT))
        high = c.get("le", c.get("lt", _LIMIT))
        self.spin_box.setRange(float(low), float(high))
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
                self.spin_box.setValue(float(value))
            except (TypeError, ValueError):
                self.spin_box.setValue(self.spin_box.minimum())
