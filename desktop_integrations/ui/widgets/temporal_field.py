"""TemporalField: a date, time, or date-and-time editor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QSignalBlocker, Qt, QTime
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QTimeEdit, QWidget

from desktop_integrations.fields import UIField
from desktop_integrations.ui.widgets.field_widget import FieldWidget

_FORMATS = {"datetime": "yyyy-MM-dd HH:mm:ss", "date": "yyyy-MM-dd", "time": "HH:mm:ss"}


def _parse(kind: str, value: Any) -> Any:
    """Turn a stored ISO string into a date, time or datetime; None if it is not one."""
    if isinstance(value, dt.date | dt.time):
        return value
    if not isinstance(value, str):
        return None
    try:
        if kind == "datetime":
            return dt.datetime.fromisoformat(value)
        if kind == "date":
            return dt.date.fromisoformat(value)
        return dt.time.fromisoformat(value)
    except ValueError:
        return None


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _qtime(value: dt.time) -> QTime:
    return QTime(value.hour, value.minute, value.second, value.microsecond // 1000)


class TemporalField(FieldWidget):
    """A ``QDateTimeEdit``, ``QDateEdit`` or ``QTimeEdit`` with a calendar pop-up."""

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        kind = field.kind if field.kind in _FORMATS else "datetime"
        self.kind = kind
        # A stored value's time zone, put back on the edited value.
        self._tzinfo: dt.tzinfo | None = None
        editor_cls = {"datetime": QDateTimeEdit, "date": QDateEdit, "time": QTimeEdit}[kind]
        self.editor = editor_cls(self)
        self.editor.setAccessibleName(field.title)
        self.editor.setDisplayFormat(_FORMATS[kind])
        if kind != "time":
            self.editor.setCalendarPopup(True)
        self.editor.setDateTime(QDateTime.currentDateTime())
        self.editor.dateTimeChanged.connect(self.changed)
        self._editor_column().addWidget(self.editor, 0, Qt.AlignmentFlag.AlignLeft)
        self.setFocusProxy(self.editor)

    def value(self) -> Any:
        """Return a ``date``, ``time`` or ``datetime`` (in the stored value's time zone)."""
        if self.kind == "date":
            return self.editor.date().toPython()
        if self.kind == "time":
            return self.editor.time().toPython()
        value = self.editor.dateTime().toPython()
        return value.replace(tzinfo=self._tzinfo) if isinstance(value, dt.datetime) else value

    def set_value(self, value: Any) -> None:
        """Show ``value`` (an object or its ISO text)."""
        parsed = _parse(self.kind, value)
        if parsed is None:
            return
        with QSignalBlocker(self.editor):
            if isinstance(parsed, dt.datetime):
                self._tzinfo = parsed.tzinfo
                self.editor.setDateTime(QDateTime(_qdate(parsed), _qtime(parsed.time())))
            elif isinstance(parsed, dt.date):
                self.editor.setDate(_qdate(parsed))
            else:
                self.editor.setTime(_qtime(parsed))
