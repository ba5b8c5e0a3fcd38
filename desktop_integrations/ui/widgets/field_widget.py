"""FieldWidget: the interface every configuration field widget provides."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from desktop_integrations.fields import UIField


class FieldWidget(QWidget):
    """Edits the value of one form field.

    Subclasses build their editor in ``__init__``, emit :attr:`changed` when
    the user edits, and implement :meth:`value` and :meth:`set_value`. Values
    are what the form validates: :meth:`value` may return anything pydantic
    can check, and :meth:`set_value` accepts stored (JSON-compatible) values.

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
        self.setAccessibleName(field.title)
        if field.description:
            self.setToolTip(field.description)

    def value(self) -> Any:
        """Return the value being edited."""
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show ``value``, without emitting :attr:`changed`."""
        raise NotImplementedError

    def _emit_changed(self, *_args: Any) -> None:
        self.changed.emit()
