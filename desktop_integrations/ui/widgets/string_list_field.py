"""StringListField: an editable list of strings."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_integrations.fields import UIField
from desktop_integrations.ui.widgets.field_widget import FieldWidget

_EDITABLE = Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled


class StringListField(FieldWidget):
    """A list whose entries are edited in place, with Add and Remove buttons.

    Blank entries are left out of the value.
    """

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.list_widget = QListWidget(self)
        self.list_widget.setAccessibleName(field.title)
        self.list_widget.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.list_widget.setMaximumHeight(100)
        self.list_widget.itemChanged.connect(self.changed)
        add = QPushButton("Add", self)
        add.setAccessibleName(f"Add to {field.title}")
        add.clicked.connect(self.add_entry)
        remove = QPushButton("Remove", self)
        remove.setAccessibleName(f"Remove from {field.title}")
        remove.clicked.connect(self.remove_selected)
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch()
        row = self._editor_row()
        row.addWidget(self.list_widget)
        row.addLayout(buttons)
        self.setFocusProxy(self.list_widget)

    def _append(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text, self.list_widget)
        item.setFlags(_EDITABLE)
        return item

    def add_entry(self, text: str = "") -> None:
        """Add an entry and start editing it."""
        item = self._append(text if isinstance(text, str) else "")
        self.list_widget.setCurrentItem(item)
        self.list_widget.editItem(item)
        self.changed.emit()

    def remove_selected(self) -> None:
        """Remove the selected entries."""
        for item in self.list_widget.selectedItems():
            self.list_widget.takeItem(self.list_widget.row(item))
        self.changed.emit()

    def value(self) -> Any:
        """Return the non-blank entries, in order."""
        texts = (self.list_widget.item(row).text() for row in range(self.list_widget.count()))
        return [text for text in texts if text.strip()]

    def set_value(self, value: Any) -> None:
        """Show the entries of ``value``."""
        with QSignalBlocker(self.list_widget):
            self.list_widget.clear()
            for entry in value or ():
                self._append(str(entry))
