"""FieldWidget: the interface every configuration field widget provides."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QStyle, QVBoxLayout, QWidget

from desktop_integrations.fields import UIField
from desktop_integrations.messages import FieldError

#: The spacing between editors in a row, for styles that leave it to each pair of widgets.
_ROW_SPACING = 6


class FieldWidget(QWidget):
    """Edits the value of one form field.

    Subclasses build their editor in ``__init__``, emit :attr:`changed` when
    the user edits, and implement :meth:`value` and :meth:`set_value`. Values
    are what the form validates: :meth:`value` may return anything pydantic
    can check, and :meth:`set_value` accepts stored (JSON-compatible) values.

    A subclass that lays its editor out in :meth:`_editor_column` lets the
    dialog put the help text and error messages into the same column (see
    :meth:`notes_layout`); one with a layout of its own gets a column from the
    dialog.

    Attributes:
        field: The description of the field being edited.
        shows_label: Whether the widget shows the field's title itself (a
            check box does), so the dialog adds no label beside it.
    """

    changed = Signal()
    shows_label = False

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self._notes: QVBoxLayout | None = None
        self.setAccessibleName(field.title)
        if field.description:
            self.setToolTip(field.description)

    def value(self) -> Any:
        """Return the value being edited."""
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show ``value``, without emitting :attr:`changed`."""
        raise NotImplementedError

    def place_errors(self, errors: list[FieldError]) -> list[FieldError]:
        """Show the errors that belong next to a part of the editor; return the others.

        The dialog shows the errors returned under the whole field. A widget
        of several parts (a list of rules) overrides this; it is called with
        an empty list to clear what it shows.
        """
        return errors

    def notes_layout(self) -> QVBoxLayout | None:
        """Return the layout under the editor for help text and errors, if the widget has one."""
        return self._notes

    def _editor_column(self) -> QVBoxLayout:
        """Give the widget a column layout: the editor on top, the dialog's notes under it.

        A dialog of many fields opens faster when each field is one widget
        rather than a widget inside a container.
        """
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self._notes = layout
        return layout

    def _editor_row(self) -> QHBoxLayout:
        """Give the widget a column (see :meth:`_editor_column`) whose top is a row of editors."""
        row = QHBoxLayout()
        # A nested layout would inherit the column's tight spacing; keep the style's.
        spacing = self.style().pixelMetric(QStyle.PixelMetric.PM_LayoutHorizontalSpacing)
        row.setSpacing(spacing if spacing >= 0 else _ROW_SPACING)
        self._editor_column().addLayout(row)
        return row

    def _emit_changed(self, *_args: Any) -> None:
        self.changed.emit()
