"""StringListField: an editable list of strings."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop_integrations.fields import UIField
from desktop_integrations.ui.widgets.field_widget import FieldWidget

_EDITABLE = Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled


class _EntryDelegate(QStyledItemDelegate):
    """Edits an entry in a framed line edit, which shows where the typing goes."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        """Return a framed line edit (the default one has no frame in most styles)."""
        editor = QLineEdit(parent)
        editor.setFrame(True)
        editor.setAccessibleName("Entry")
        return editor


class StringListField(FieldWidget):
    """A list whose entries are edited in place, with Add and Remove buttons.

    Add (or Insert in the list) opens an editor on a new entry; an entry left
    empty is removed when its editor closes. Delete removes the selected entries.
    """

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.list_widget = QListWidget(self)
        self.list_widget.setAccessibleName(field.title)
        self.list_widget.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.list_widget.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list_widget.setMaximumHeight(100)
        delegate = _EntryDelegate(self.list_widget)
        self.list_widget.setItemDelegate(delegate)
        # After the view's own slot, which has closed the editor by then.
        delegate.closeEditor.connect(self._drop_empty)
        self.list_widget.itemChanged.connect(self.changed)
        self.list_widget.installEventFilter(self)
        add = QPushButton("&Add", self)
        add.setAutoDefault(False)
        add.setAccessibleName(f"Add to {field.title}")
        add.clicked.connect(lambda: self.add_entry())
        remove = QPushButton("&Remove", self)
        remove.setAutoDefault(False)
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

    def _blank_item(self) -> QListWidgetItem | None:
        for row in range(self.list_widget.count()):
            item = self.list_widget.item(row)
            if not item.text().strip():
                return item
        return None

    def add_entry(self, text: str = "") -> None:
        """Add an entry showing ``text``; with none, open an editor on a new, empty entry.

        An empty entry already waiting for its text is edited instead of adding another.
        """
        if text:
            self._append(text)
            self.changed.emit()
            return
        item = self._blank_item() or self._append("")
        self.list_widget.setCurrentItem(item)
        self.list_widget.scrollToItem(item)
        self.list_widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.list_widget.isPersistentEditorOpen(item):
            self.list_widget.editItem(item)
        editor = self.list_widget.itemWidget(item) or self.list_widget.indexWidget(
            self.list_widget.indexFromItem(item)
        )
        if editor is not None:
            editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _drop_empty(self, *_args: object) -> None:
        item = self._blank_item()
        if item is not None:
            self.list_widget.takeItem(self.list_widget.row(item))

    def remove_selected(self) -> None:
        """Remove the selected entries."""
        for item in self.list_widget.selectedItems():
            self.list_widget.takeItem(self.list_widget.row(item))
        self.changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Insert in the list adds an entry; Delete removes the selected ones."""
        if (
            watched is self.list_widget
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and self.list_widget.state() != QAbstractItemView.State.EditingState
        ):
            if event.key() == Qt.Key.Key_Insert:
                self.add_entry()
                return True
            if event.key() == Qt.Key.Key_Delete and self.list_widget.selectedItems():
                self.remove_selected()
                return True
        return super().eventFilter(watched, event)

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
