"""The registry of what condition rules can test: the event's kind, title... and plugins' own.

A :class:`ConditionField` names something about an event (Review Board adds
the repository and the review group), the label the conditions editor shows
for it, the type of its value and the operators that apply. The built-in ones
are registered here; a plugin adds its own with :class:`ConditionFieldHook`
(registered while the plugin's extension or integration is enabled) or
:func:`register_condition_field`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop_integrations.errors import IntegrationRegistrationError
from desktop_integrations.hooks import Hook, HookOwner
from desktop_integrations.levels import LEVELS

if TYPE_CHECKING:
    from desktop_integrations.events import Event

__all__ = [
    "FIELD_PREFIX",
    "NUMBER_OPERATORS",
    "TEXT_OPERATORS",
    "ConditionField",
    "ConditionFieldHook",
    "condition_fields",
    "event_field",
    "get_condition_field",
    "register_condition_field",
    "unregister_condition_field",
]

#: The operators of text values, in the order an editor offers them.
TEXT_OPERATORS: tuple[str, ...] = (
    "is",
    "is not",
    "contains",
    "does not contain",
    "starts with",
    "matches regex",
)
#: The operators of number values.
NUMBER_OPERATORS: tuple[str, ...] = ("is", "is not", "less than", "greater than")
#: A rule's choice ``"field:<name>"`` tests the event's field ``<name>`` as text.
FIELD_PREFIX = "field:"


@dataclass(frozen=True)
class ConditionField:
    """Something about an event that a condition rule can test.

    Attributes:
        name: The rule's ``choice`` that selects it, such as ``"repository"``.
            It is stored in configurations: keep it stable.
        label: What the conditions editor shows, such as ``"Repository"``.
        get_value: Returns the value from an event; None counts as empty.
        value_type: ``str``, ``int`` or ``float``: the rule's value is
            converted to it before comparing.
        operators: The operators that apply; defaults to
            :data:`TEXT_OPERATORS` for text and :data:`NUMBER_OPERATORS` for
            numbers.
        choices: Values the editor suggests (the levels, say); others are
            accepted too.
        description: A tooltip for the editor.
    """

    name: str
    label: str
    get_value: Callable[[Event], Any]
    value_type: type = str
    operators: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        if not self.name or self.name != self.name.strip():
            raise IntegrationRegistrationError(
                f"Condition field {self.name!r}: the name must be non-empty, without "
                "surrounding spaces"
            )
        if self.value_type not in (str, int, float):
            raise IntegrationRegistrationError(
                f"Condition field {self.name!r}: value_type must be str, int or float, "
                f"not {self.value_type!r}"
            )
        allowed = TEXT_OPERATORS if self.value_type is str else NUMBER_OPERATORS
        if not self.operators:
            object.__setattr__(self, "operators", allowed)
        unknown = [op for op in self.operators if op not in allowed]
        if unknown:
            raise IntegrationRegistrationError(
                f"Condition field {self.name!r}: unknown operator(s) {', '.join(unknown)} "
                f"for {self.value_type.__name__} values; choose from {', '.join(allowed)}"
            )

    def convert(self, value: Any) -> Any:
        """Return ``value`` as :attr:`value_type`; raises ValueError if it is not one."""
        if value is None:
            return "" if self.value_type is str else None
        if self.value_type is str:
            return str(value)
        return self.value_type(value)


def event_field(name: str) -> ConditionField:
    """Return the field that tests the event's own field ``name``, as text."""
    return ConditionField(
        name=FIELD_PREFIX + name,
        label=f"Field {name!r}",
        get_value=lambda event: event.fields.get(name, ""),
    )


_lock = threading.Lock()
_fields: dict[str, ConditionField] = {}


def register_condition_field(field: ConditionField) -> None:
    """Let condition rules test ``field``.

    Raises:
        IntegrationRegistrationError: Another field has the same name, or the
            name starts with ``"field:"`` (those test the event's own fields).
    """
    if field.name.startswith(FIELD_PREFIX):
        raise IntegrationRegistrationError(
            f"Condition field {field.name!r}: names starting with {FIELD_PREFIX!r} "
            "test the event's own fields and cannot be registered"
        )
    with _lock:
        if field.name in _fields:
            raise IntegrationRegistrationError(
                f"Condition field {field.name!r} is already registered"
            )
        _fields[field.name] = field


def unregister_condition_field(name: str) -> None:
    """Remove a registered field; rules that test it no longer validate."""
    with _lock:
        _fields.pop(name, None)


def condition_fields() -> tuple[ConditionField, ...]:
    """Return every registered field, built-in ones first, in registration order."""
    with _lock:
        return tuple(_fields.values())


def get_condition_field(choice: str) -> ConditionField | None:
    """Return the field a rule's ``choice`` tests, or None if there is none."""
    if choice.startswith(FIELD_PREFIX):
        name = choice.removeprefix(FIELD_PREFIX).strip()
        return event_field(name) if name else None
    with _lock:
        return _fields.get(choice)


class ConditionFieldHook(Hook):
    """Registers condition fields for as long as its owner is enabled.

    ``ConditionFieldHook(self, ConditionField("repository", "Repository",
    lambda event: event.fields.get("repository")))`` in an extension's or
    integration's ``initialize()``.
    """

    def __init__(self, owner: HookOwner, *fields: ConditionField) -> None:
        super().__init__(owner, *fields)

    def initialize(self, *fields: ConditionField) -> None:
        """Register ``fields``; none is left registered if one fails."""
        self.fields: tuple[ConditionField, ...] = ()
        done: list[ConditionField] = []
        try:
            for field in fields:
                register_condition_field(field)
                done.append(field)
        except IntegrationRegistrationError:
            for field in done:
                unregister_condition_field(field.name)
            raise
        self.fields = tuple(done)

    def shutdown(self) -> None:
        """Unregister the fields."""
        for field in self.fields:
            unregister_condition_field(field.name)


for _builtin in (
    ConditionField("kind", "Kind", lambda event: event.kind, description="Such as build.failed"),
    ConditionField("title", "Title", lambda event: event.title),
    ConditionField("body", "Body", lambda event: event.body),
    ConditionField("level", "Level", lambda event: event.level, choices=tuple(LEVELS)),
):
    register_condition_field(_builtin)
