"""Conditions: which events a configuration sends.

Every built-in configuration form has a ``conditions`` field of type
:class:`Conditions`. The default, mode ``"always"``, sends every event;
``"all"`` and ``"any"`` send the events that match all or any of the rules.
What a rule can test comes from the registry in
:mod:`desktop_integrations.condition_fields`, which plugins extend.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from desktop_integrations.condition_fields import (
    FIELD_PREFIX as FIELD_PREFIX,
)
from desktop_integrations.condition_fields import (
    ConditionField,
    condition_fields,
    get_condition_field,
)

if TYPE_CHECKING:
    from desktop_integrations.events import Event

__all__ = ["CHOICES", "MODES", "OPERATORS", "Conditions", "Mode", "Operator", "Rule"]

Mode = Literal["always", "all", "any"]
Operator = Literal[
    "is",
    "is not",
    "contains",
    "does not contain",
    "starts with",
    "matches regex",
    "less than",
    "greater than",
]

#: The modes, with the label an editor shows for each.
MODES: dict[str, str] = {
    "always": "Always send",
    "all": "Send if all rules match",
    "any": "Send if any rule matches",
}
#: Every operator; each condition field allows some (see its ``operators``).
OPERATORS: tuple[str, ...] = get_args(Operator)
#: The built-in rule choices; plugins register more (see ``condition_fields``).
CHOICES: tuple[str, ...] = ("kind", "title", "body", "level")


def _field(choice: str) -> ConditionField:
    field = get_condition_field(choice)
    if field is None and choice.startswith(FIELD_PREFIX):
        raise PydanticCustomError("blank_field", "Enter the name of the event field to test.")
    if field is None:
        known = ", ".join(f.name for f in condition_fields())
        raise PydanticCustomError(
            "unknown_choice",
            "{choice} is not something a rule can test: choose one of {choices}, or field:<name>",
            {"choice": repr(choice), "choices": known},
        )
    return field


class Rule(BaseModel):
    """One test of an event.

    Attributes:
        choice: What to test: the name of a registered condition field
            (``kind``, ``title``, ``body``, ``level`` and those plugins add),
            or ``field:<name>`` for one of the event's fields (an event without
            that field has the empty string there).
        operator: How to compare it with ``value``; one of the field's
            operators.
        value: The text to compare with; a regular expression for
            ``"matches regex"``, a number for a number field. Comparisons are
            case-sensitive.
    """

    model_config = ConfigDict(frozen=True)

    choice: str = "kind"
    operator: Operator = "is"
    value: str = ""

    @field_validator("choice")
    @classmethod
    def _known_choice(cls, value: str) -> str:
        _field(value)
        return value

    @model_validator(mode="after")
    def _fits_the_field(self) -> Rule:
        field = _field(self.choice)
        if self.operator not in field.operators:
            raise PydanticCustomError(
                "operator",
                "{operator} does not apply to {label}: choose one of {operators}",
                {
                    "operator": repr(self.operator),
                    "label": field.label,
                    "operators": ", ".join(field.operators),
                },
            )
        if not self.value.strip():
            # An incomplete rule would be saved and then never match.
            raise PydanticCustomError(
                "blank_value", "Enter a value to compare {label} with.", {"label": field.label}
            )
        if field.value_type is not str:
            try:
                field.convert(self.value)
            except ValueError:
                raise PydanticCustomError(
                    "number",
                    "{label} is a number: {value} is not one",
                    {"label": field.label, "value": repr(self.value)},
                ) from None
        if self.operator == "matches regex":
            try:
                re.compile(self.value)
            except re.error as e:
                raise PydanticCustomError(
                    "invalid_regex",
                    "{pattern} is not a valid regular expression: {reason}",
                    {"pattern": repr(self.value), "reason": str(e)},
                ) from e
        return self

    def subject(self, event: Event) -> Any:
        """Return the part of ``event`` this rule tests, as its field's type.

        Raises:
            ValueError: The event's value is not of the field's type.
        """
        field = _field(self.choice)
        return field.convert(field.get_value(event))

    def matches(self, event: Event) -> bool:
        """Return whether ``event`` passes this rule.

        A number field whose value the event lacks or cannot give as a number
        does not match.
        """
        field = _field(self.choice)
        try:
            subject = self.subject(event)
        except (TypeError, ValueError):
            return False
        if field.value_type is not str:
            if subject is None:
                return False
            value = field.convert(self.value)
            match self.operator:
                case "is":
                    return bool(subject == value)
                case "is not":
                    return bool(subject != value)
                case "less than":
                    return bool(subject < value)
                case _:
                    return bool(subject > value)
        match self.operator:
            case "is":
                return bool(subject == self.value)
            case "is not":
                return bool(subject != self.value)
            case "contains":
                return self.value in subject
            case "does not contain":
                return self.value not in subject
            case "starts with":
                return bool(subject.startswith(self.value))
            case _:
                return re.search(self.value, subject) is not None


class Conditions(BaseModel):
    """When a configuration sends an event.

    Attributes:
        mode: ``"always"``, ``"all"`` (every rule matches) or ``"any"`` (at
            least one rule matches).
        rules: The rules; ignored when the mode is ``"always"``.
    """

    model_config = ConfigDict(frozen=True)

    mode: Mode = "always"
    rules: tuple[Rule, ...] = Field(default=())

    @model_validator(mode="after")
    def _rules_when_needed(self) -> Conditions:
        if self.mode != "always" and not self.rules:
            raise PydanticCustomError(
                "no_rules",
                "Add at least one rule, or choose {always}.",
                {"always": repr(MODES["always"])},
            )
        return self

    def matches(self, event: Event) -> bool:
        """Return whether ``event`` should be sent."""
        if self.mode == "always":
            return True
        results = (rule.matches(event) for rule in self.rules)
        return all(results) if self.mode == "all" else any(results)

    def describe(self) -> str:
        """Return a one-line summary, as shown in listings."""
        if self.mode == "always":
            return MODES["always"]
        joiner = " and " if self.mode == "all" else " or "
        return joiner.join(f"{r.choice} {r.operator} {r.value!r}" for r in self.rules)
