"""FocusRecheck: re-checks a field that shows errors as the focus leaves it."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QWidget

from desktop_integrations.ui.fieldset_group import FieldRow


class FocusRecheck(QObject):
    """Follows the application's focus, while started, for a dialog's field rows.

    When the focus leaves a row that shows errors for another row (or for no
    widget of the dialog), ``recheck`` is called with that row's field name.

    Args:
        rows: The dialog's rows, by field name (read as they are when the focus moves).
        recheck: Validates again and shows the named field's errors.
    """

    def __init__(
        self,
        rows: Mapping[str, FieldRow],
        recheck: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._rows = rows
        self._recheck = recheck
        self._following = False

    def start(self) -> None:
        """Start following the focus (again: no effect)."""
        app = QApplication.instance()
        if isinstance(app, QApplication) and not self._following:
            app.focusChanged.connect(self._focus_changed)
            self._following = True

    def stop(self) -> None:
        """Stop following the focus."""
        app = QApplication.instance()
        if isinstance(app, QApplication) and self._following:
            app.focusChanged.disconnect(self._focus_changed)
            self._following = False

    def _row_holding(self, widget: QWidget | None) -> FieldRow | None:
        if widget is None:
            return None
        return next(
            (
                row
                for row in self._rows.values()
                if row.widget is widget or row.widget.isAncestorOf(widget)
            ),
            None,
        )

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        row = self._row_holding(old)
        if row is None or row is self._row_holding(new) or not row.has_errors():
            return
        self._recheck(row.widget.field.name)
