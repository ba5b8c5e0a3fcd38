"""FieldsetGroup: one fieldset of a configuration dialog, its fields and their messages."""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_integrations.fields import UIField
from desktop_integrations.forms import Fieldset
from desktop_integrations.messages import FieldError, item_label
from desktop_integrations.ui.widgets import FieldWidget

#: The colour of error messages under the fields.
ERROR_COLOR = QColor("#b3261e")


def paragraphs(text: str) -> str:
    """Return rich text with one paragraph per non-blank line of ``text``."""
    return "".join(f"<p>{line.strip()}</p>" for line in text.splitlines() if line.strip())


def description_label(text: str, parent: QWidget) -> QLabel:
    """Return a label showing ``text`` with one paragraph per line.

    A single line without markup is shown as plain text, which looks the same
    and lays out several times faster than a rich text document.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    label = QLabel(parent)
    label.setWordWrap(True)
    if len(lines) == 1 and not QtGui.Qt.mightBeRichText(lines[0]):
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setText(lines[0])
    else:
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setText(paragraphs(text))
        label.setOpenExternalLinks(True)
    return label


class FieldRow:
    """A field's widget and the labels around it.

    The error label is made on first use: most fields never show an error,
    and a dialog with many fields opens faster without 50 hidden labels.

    Attributes:
        widget: The editor.
        group: The fieldset group holding the field.
        cell: The widget in the form layout: the editor, or the column
            holding it with its notes.
    """

    def __init__(
        self, widget: FieldWidget, notes: QVBoxLayout, group: FieldsetGroup, cell: QWidget
    ) -> None:
        self.widget = widget
        self.group = group
        self.cell = cell
        self._notes = notes
        self._error_label: QLabel | None = None
        self._has_errors = False

    @property
    def error_label(self) -> QLabel:
        """The label showing the field's errors; hidden when there are none."""
        if self._error_label is None:
            label = QLabel(self._notes.parentWidget())
            label.setWordWrap(True)
            palette = label.palette()
            palette.setColor(QPalette.ColorRole.WindowText, ERROR_COLOR)
            label.setPalette(palette)
            label.setAccessibleName(f"Errors in {self.widget.field.title}")
            label.hide()
            self._notes.addWidget(label)
            self._error_label = label
        return self._error_label

    def has_errors(self) -> bool:
        """Return whether errors are shown under the field or next to a part of it."""
        return self._has_errors

    def set_errors(self, messages: list[str], details: list[FieldError] | None = None) -> None:
        """Show ``messages`` under the field (none: hide the label).

        With ``details`` (the same errors, located), the widget first places
        those that belong next to a part of it; pydantic's own text of each
        goes into the label's tooltip, for plugin authors.
        """
        raw = ""
        self._has_errors = bool(messages or details)
        if details is not None:
            placed = self.widget.place_errors(details)
            messages = [item_label(d.loc) + d.message for d in placed]
            raw = "\n".join(f"{d.message} (pydantic: {d.raw})" for d in details)
        elif not messages:
            self.widget.place_errors([])
        if not messages and self._error_label is None:
            return
        self.error_label.setText(" ".join(messages))
        self.error_label.setToolTip(raw)
        self.error_label.setVisible(bool(messages))

    def is_shown(self) -> bool:
        """Return whether the field's rule shows it (its group may still be collapsed)."""
        return not self.group.is_field_hidden(self.cell)

    def set_shown(self, shown: bool) -> None:
        """Show or hide the row, label included, as the field's rule says."""
        self.group.set_field_hidden(self.cell, not shown)


class FieldsetGroup(QGroupBox):
    """A titled group of field rows; a ``collapse`` fieldset starts closed.

    A collapsible group shows a toggle button instead of its title and opens
    when one of its fields has an error. Every row lives in the group's one
    form layout (collapsing hides rows): a dialog of many groups lays out
    faster without a nested container per group.
    """

    def __init__(self, fieldset: Fieldset, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fieldset = fieldset
        self._expanded = not fieldset.collapsible
        # Cells whose field's rule hides them, whatever the group's state.
        self._hidden: set[QWidget] = set()
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.toggle: QToolButton | None = None
        if fieldset.collapsible:
            self.toggle = QToolButton(self)
            self.toggle.setText(fieldset.title or "More options")
            self.toggle.setCheckable(True)
            self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.toggle.setAutoRaise(True)
            self.toggle.setArrowType(Qt.ArrowType.RightArrow)
            self.toggle.toggled.connect(self.set_expanded)
            self.form.addRow(self.toggle)
        elif fieldset.title:
            self.setTitle(fieldset.title)
        if fieldset.description:
            self._add_row(description_label(fieldset.description, self))

    def is_expanded(self) -> bool:
        """Return whether the fields are shown."""
        return self._expanded

    def set_expanded(self, expanded: bool) -> None:
        """Show or hide the fields of a collapsible group."""
        self._expanded = expanded
        first = 0 if self.toggle is None else 1
        for row in range(first, self.form.rowCount()):
            self.form.setRowVisible(row, expanded and not self._row_hidden(row))
        if self.toggle is not None:
            self.toggle.setChecked(expanded)
            self.toggle.setArrowType(
                Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow
            )

    def _row_hidden(self, row: int) -> bool:
        if not self._hidden:
            return False
        roles = (QFormLayout.ItemRole.FieldRole, QFormLayout.ItemRole.SpanningRole)
        items = (self.form.itemAt(row, role) for role in roles)
        return any(item is not None and item.widget() in self._hidden for item in items)

    def is_field_hidden(self, cell: QWidget) -> bool:
        """Return whether the row of ``cell`` is hidden by its field's rule."""
        return cell in self._hidden

    def set_field_hidden(self, cell: QWidget, hidden: bool) -> None:
        """Hide or show the row of ``cell``; a collapsed group keeps it folded."""
        if hidden == (cell in self._hidden):
            return
        if hidden:
            self._hidden.add(cell)
        else:
            self._hidden.discard(cell)
        self.form.setRowVisible(cell, self._expanded and not hidden)

    def _add_row(self, field: QWidget, label: str | None = None) -> None:
        if label is None:
            self.form.addRow(field)
        else:
            self.form.addRow(label, field)
        if not self._expanded:
            self.form.setRowVisible(self.form.rowCount() - 1, False)

    def add_field(self, field: UIField, widget: FieldWidget) -> FieldRow:
        """Add a row for ``field`` edited by ``widget``; return it.

        The help text and errors go under the editor, into the widget's own
        column if it has one, otherwise into a column made for both.
        """
        cell: QWidget = widget
        notes = widget.notes_layout()
        if notes is None:
            cell = QWidget(self)
            notes = QVBoxLayout(cell)
            notes.setContentsMargins(0, 0, 0, 0)
            notes.setSpacing(2)
            notes.addWidget(widget)
        if field.description:
            help_label = QLabel(field.description, cell)
            help_label.setWordWrap(True)
            # A colour role, not a style sheet: styled widgets are slow to polish.
            help_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            notes.addWidget(help_label)
        if widget.shows_label:
            self._add_row(cell)
        else:
            self._add_row(cell, f"{field.title}{' *' if field.required else ''}:")
            # The form makes the label in C++ (cheaper than from Python), with
            # the cell as its buddy; the editor inside it gets the focus.
            if cell is not widget or field.required:
                label = self.form.labelForField(cell)
                if isinstance(label, QLabel):
                    label.setBuddy(widget)
                    if field.required:
                        label.setToolTip("Required")
        return FieldRow(widget, notes, self, cell)


def show_row_errors(
    rows: dict[str, FieldRow],
    groups: list[FieldsetGroup],
    errors: dict[str, list[str]],
    details: dict[str, list[FieldError]] | None,
) -> FieldRow | None:
    """Show each row's errors (none: clear them), open every group that holds one.

    Returns:
        The first row, in form order, that has errors; None if none has.
    """
    first: FieldRow | None = None
    for name, row in rows.items():
        located = details.get(name, []) if details is not None else None
        row.set_errors(errors.get(name, []), located)
        if name in errors and first is None:
            first = row
    for group in groups:
        if any(r.group is group and r.has_errors() for r in rows.values()):
            group.set_expanded(True)
    return first
