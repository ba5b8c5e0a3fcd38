"""Conditions: which events a configuration sends.

Every built-in configuration form has a ``conditions`` field of type
:class:`Conditions`. The default, mode ``"always"``, sends every event;
``"all"`` and ``"any"`` send the events that match all or any of the rules.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    from desktop_integrations.events import Event

__all__ = ["CHOICES", "MODES", "OPERATORS", "Conditions", "Mode", "Operator", "Rule"]

Mode = Literal["always", "all", "any"]
Operator = Literal["is", "is not", "contains", "does not contain", "starts with", "matches regex"]

#: The modes, with the label an editor shows for each.
MODES: dict[str, str] = {
    "always": "Always send",
    "all": "Send if all rules match",
    "any": "Send if any rule matches",
}
#: The operators, in the order an editor offers them.
OPERATORS: tuple[str, ...] = get_args(Operator)
#: The fixed rule choices; ``"field:<name>"`` picks one of the event's fields.
CHOICES: tuple[str, ...] = ("kind", "title", "body", "level")
FIELD_PREFIX = "field:"


class Rule(BaseModel):
    """One test of an event.

    Attributes:
        choice: What to test: ``kind``, ``title``, ``body``, ``level``, or
            ``field:<name>`` for one of the event's fields (an event without
            that field has the empty string there).
        operator: How to compare it with ``value``.
        value: The text to compare with; a regular expression for
            ``"matches regex"``. Comparisons are case-sensitive.
    """

    model_config = ConfigDict(frozen=True)

    choice: str = "kind"
    operator: Operator = "is"
    value: str = ""

    @field_validator("choice")
    @classmethod
    def _known_choice(cls, value: str) -> str:
        if value in CHOICES:
            return value
        if value.startswith(FIELD_PREFIX) and value.removeprefix(FIELD_PREFIX).strip():
            return value
        raise PydanticCustomError(
            "unknown_choice",
            "{choice} is not something a rule can test: choose one of {choices}, or field:<name>",
            {"choice": repr(value), "choices": ", ".join(CHOICES)},
        )

    @model_validator(mode="after")
    def _valid_regex(self) -> Rule:
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

    def subject(self, event: Event) -> str:
        """Return the part of ``event`` this rule tests."""
        if self.choice.startswith(FIELD_PREFIX):
            return event.fields.get(self.choice.removeprefix(FIELD_PREFIX), "")
        return str(getattr(event, self.choice))

    def matches(self, event: Event) -> bool:
        """Return whether ``event`` passes this rule."""
        subject = self.subject(event)
        match self.operator:
            case "is":
                return subject == self.value
            case "is not":
                return subject != self.value
            case "contains":
                return self.value in subject
            case "does not contain":
                return self.value not in subject
            case "starts with":
                return subject.startswith(self.value)
            case "matches regex":
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
