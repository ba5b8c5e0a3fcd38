"""ConditionsEditor: edits a configuration's conditions (mode and rules)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, QStringListModel, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_integrations.condition_fields import (
    FIELD_PREFIX,
    TEXT_OPERATORS,
    condition_fields,
    get_condition_field,
)
from desktop_integrations.conditions import MODES, Conditions
from desktop_integrations.fields import UIField
from desktop_integrations.messages import FieldError
from desktop_integrations.ui.widgets.field_widget import FieldWidget

#: The colour of a rule's errors (as under the dialog's fields).
ERROR_COLOR = "#b3261e"
#: The entry of the choice box that tests one of the event's fields.
FIELD_CHOICE = "field"


class RuleRow(QWidget):
    """One rule: what to test, how, and the value; with a Remove button.

    What a rule can test comes from the registry of condition fields (plugins
    add theirs); the operators offered are those of the field chosen.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = QComboBox(self)
        self.choice.setAccessibleName("Test")
        for field in condition_fields():
            self.choice.addItem(field.label, field.name)
            if field.description:
                self.choice.setItemData(
                    self.choice.count() - 1, field.description, Qt.ItemDataRole.ToolTipRole
                )
        self.choice.addItem("Field…", FIELD_CHOICE)
        self.field_name = QLineEdit(self)
        self.field_name.setPlaceholderText("field name")
        self.field_name.setAccessibleName("Field name")
        self.operator = QComboBox(self)
        self.operator.setAccessibleName("Operator")
        self.value = QLineEdit(self)
        self.value.setAccessibleName("Value")
        self._suggestions = QStringListModel(self)
        self.value.setCompleter(QCompleter(self._suggestions, self.value))
        self.remove = QToolButton(self)
        self.remove.setText("✕")
        self.remove.setAccessibleName("Remove rule")
        self.remove.setToolTip("Remove this rule")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        layout = QHBoxLayout()
        column.addLayout(layout)
        #: Why this rule cannot be saved, under it; hidden when it can.
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName("Errors in this rule")
        palette = self.error_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR_COLOR))
        self.error_label.setPalette(palette)
        self.error_label.hide()
        column.addWidget(self.error_label)
        for widget in (self.choice, self.field_name, self.operator):
            layout.addWidget(widget)
        layout.addWidget(self.value, 1)
        layout.addWidget(self.remove)
        self.choice.currentIndexChanged.connect(self._choice_changed)
        self._choice_changed()

    def _choice_changed(self, *_args: Any) -> None:
        choice = self.choice.currentData()
        self.field_name.setVisible(choice == FIELD_CHOICE)
        field = get_condition_field(str(choice))
        operators = field.operators if field is not None else TEXT_OPERATORS
        current = self.operator.currentData()
        with QSignalBlocker(self.operator):
            self.operator.clear()
            for operator in operators:
                self.operator.addItem(operator, operator)
            index = self.operator.findData(current)
            self.operator.setCurrentIndex(max(index, 0))
        hint = ", ".join(field.choices) if field is not None and field.choices else ""
        self.value.setPlaceholderText(hint)
        self._suggestions.setStringList(list(field.choices) if field is not None else [])
        if current is not None and index < 0:
            self.operator.currentIndexChanged.emit(self.operator.currentIndex())

    def set_errors(self, errors: list[FieldError]) -> None:
        """Show ``errors`` under the rule (none: hide them); pydantic's text is the tooltip."""
        self.error_label.setText(" ".join(error.message for error in errors))
        self.error_label.setToolTip("\n".join(error.raw for error in errors))
        self.error_label.setVisible(bool(errors))

    def rule(self) -> dict[str, str]:
        """Return the rule as the form validates it."""
        choice = self.choice.currentData()
        if choice == FIELD_CHOICE:
            choice = FIELD_PREFIX + self.field_name.text().strip()
        return {
            "choice": choice,
            "operator": self.operator.currentData(),
            "value": self.value.text(),
        }

    def set_rule(self, rule: dict[str, Any]) -> None:
        """Show a stored rule."""
        choice = str(rule.get("choice", "kind"))
        if choice.startswith(FIELD_PREFIX):
            self.field_name.setText(choice.removeprefix(FIELD_PREFIX))
            choice = FIELD_CHOICE
        _select(self.choice, choice)
        _select(self.operator, str(rule.get("operator", "is")))
        self.value.setText(str(rule.get("value", "")))


def _select(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    if index < 0:
        # Kept visible, so the form reports it rather than the editor changing it.
        combo.addItem(f"{value} (unknown)", value)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


class ConditionsEditor(FieldWidget):
    """Chooses when events are sent: always, or when all or any rules match.

    The value is the conditions as stored, ``{"mode": ..., "rules": [...]}``;
    the form checks it (an invalid regular expression shows as the field's error).
    """

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.mode = QComboBox(self)
        self.mode.setAccessibleName(field.title)
        for mode, label in MODES.items():
            self.mode.addItem(label, mode)
        self.rules_box = QWidget(self)
        self._rules_layout = QVBoxLayout(self.rules_box)
        self._rules_layout.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton("Add Rule", self)
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self.add_rule())
        self.rows: list[RuleRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.mode)
        layout.addWidget(self.rules_box)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch()
        layout.addLayout(add_row)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.setFocusProxy(self.mode)
        self._show_rules()

    def add_rule(self, rule: dict[str, Any] | None = None) -> RuleRow:
        """Add a rule row (empty, or showing ``rule``) and return it."""
        row = RuleRow(self.rules_box)
        if rule is not None:
            row.set_rule(rule)
        row.remove.clicked.connect(lambda: self.remove_rule(row))
        for combo in (row.choice, row.operator):
            combo.currentIndexChanged.connect(self._emit_changed)
        for edit in (row.field_name, row.value):
            edit.textEdited.connect(self._emit_changed)
        self._rules_layout.addWidget(row)
        self.rows.append(row)
        if rule is None:
            self.changed.emit()
        return row

    def remove_rule(self, row: RuleRow) -> None:
        """Remove a rule row."""
        self.rows.remove(row)
        self._rules_layout.removeWidget(row)
        row.deleteLater()
        self.changed.emit()

    def place_errors(self, errors: list[FieldError]) -> list[FieldError]:
        """Show each rule's errors under that rule; return the other errors."""
        by_row: dict[int, list[FieldError]] = {}
        rest = []
        for error in errors:
            number = error.loc[1] if len(error.loc) > 1 and error.loc[0] == "rules" else None
            if isinstance(number, int) and 0 <= number < len(self.rows):
                by_row.setdefault(number, []).append(error)
            else:
                rest.append(error)
        for number, row in enumerate(self.rows):
            row.set_errors(by_row.get(number, []))
        return rest

    def _mode_changed(self, *_args: Any) -> None:
        self._show_rules()
        if self.mode.currentData() != "always" and not self.rows:
            self.add_rule()
        self.changed.emit()

    def _show_rules(self) -> None:
        rules_apply = self.mode.currentData() != "always"
        self.rules_box.setVisible(rules_apply)
        self.add_button.setVisible(rules_apply)

    def value(self) -> Any:
        """Return the conditions shown, as stored."""
        mode = self.mode.currentData()
        rules = [row.rule() for row in self.rows] if mode != "always" else []
        return {"mode": mode, "rules": rules}

    def set_value(self, value: Any) -> None:
        """Show stored conditions (a dict, a :class:`Conditions`, or None for the default)."""
        if isinstance(value, Conditions):
            value = value.model_dump(mode="json")
        if not isinstance(value, dict):
            value = Conditions().model_dump(mode="json")
        with QSignalBlocker(self):
            for row in list(self.rows):
                self._rules_layout.removeWidget(row)
                row.deleteLater()
            self.rows.clear()
            with QSignalBlocker(self.mode):
                _select(self.mode, str(value.get("mode", "always")))
            for rule in value.get("rules") or ():
                if isinstance(rule, dict):
                    self.add_rule(rule)
        self._show_rules()
