"""CheckListField: a set of choices, one check box each."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from desktop_integrations.fields import UIField
from desktop_integrations.ui.widgets.field_widget import FieldWidget

_VALUE_ROLE = Qt.ItemDataRole.UserRole


class CheckListField(FieldWidget):
    """A list of the field's choices to check, for ``set``/``list`` of choices."""

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.list_widget = QListWidget(self)
        self.list_widget.setAccessibleName(field.title)
        for choice in field.choices:
            item = QListWidgetItem(choice.label, self.list_widget)
            item.setData(_VALUE_ROLE, choice.value)
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Unchecked)
        rows = max(1, min(len(field.choices), 6))
        self.list_widget.setFixedHeight(self.list_widget.sizeHintForRow(0) * rows + 6)
        self.list_widget.itemChanged.connect(self.changed)
        self._editor_column().addWidget(self.list_widget)
        self.setFocusProxy(self.list_widget)

    def _items(self) -> list[QListWidgetItem]:
        return [self.list_widget.item(row) for row in range(self.list_widget.count())]

    def value(self) -> Any:
        """Return the checked values, in the order of the choices."""
        return [
            item.data(_VALUE_ROLE)
            for item in self._items()
            if item.checkState() == Qt.CheckState.Checked
        ]

    def set_value(self, value: Any) -> None:
        """Check exactly the choices in ``value``."""
        wanted = [v.value if isinstance(v, enum.Enum) else v for v in value or ()]
        with QSignalBlocker(self.list_widget):
            for item in self._items():
                checked = item.data(_VALUE_ROLE) in wanted
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
