"""Dependent fields: a field shown or enabled only while another has a given value.

A rule is declared in the field's ``json_schema_extra``, most simply with
:func:`visible_when` or :func:`enabled_when`::

    authenticate: bool = Field(default=False, title="Log in")
    username: RequiredText = Field(
        default="", title="User name", json_schema_extra=visible_when("authenticate")
    )

The dialog applies the rules as the user types. A field whose rule does not
hold is *inactive*: it is not validated, its cleaned value is its default,
and saving keeps what was stored for it. As in guidata's ``ValueProp`` and
JSON Forms' rules, this is about presentation; a check that involves several
fields belongs in a model validator.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic_core import PydanticUndefined, to_jsonable_python

from desktop_integrations.errors import IntegrationRegistrationError

if TYPE_CHECKING:
    from desktop_integrations.forms import IntegrationConfigForm

__all__ = ["FieldRule", "enabled_when", "field_rule", "inactive_fields", "visible_when"]

Effect = Literal["show", "enable"]
_KEYS: dict[str, Effect] = {"visible_when": "show", "enabled_when": "enable"}


def visible_when(field: str, *values: Any) -> dict[str, Any]:
    """Return ``json_schema_extra`` that shows a field only while ``field`` has one of ``values``.

    With no ``values``, while ``field`` has any true value (a ticked check
    box, a non-empty text). Merge it with other hints:
    ``json_schema_extra={"widget": "textarea", **visible_when("mode", "custom")}``.
    """
    return {"visible_when": _rule_data(field, values)}


def enabled_when(field: str, *values: Any) -> dict[str, Any]:
    """Return ``json_schema_extra`` that enables a field only while ``field`` has one of ``values``.

    The field stays in view, greyed out, while the rule does not hold.
    """
    return {"enabled_when": _rule_data(field, values)}


def _rule_data(field: str, values: tuple[Any, ...]) -> dict[str, Any]:
    return {"field": field, "values": [to_jsonable_python(value) for value in values]}


@dataclass(frozen=True)
class FieldRule:
    """When a field is shown (``"show"``) or enabled (``"enable"``).

    Attributes:
        field: The name of the field it depends on.
        values: The values that make it hold; empty: any true value.
        effect: ``"show"`` hides the field, ``"enable"`` greys it out while the
            rule does not hold.
    """

    field: str
    values: tuple[Any, ...] = ()
    effect: Effect = "show"

    def holds(self, value: Any) -> bool:
        """Return whether the rule holds when its field has ``value``."""
        try:
            plain = to_jsonable_python(value)
        except Exception:
            plain = value
        return plain in self.values if self.values else bool(plain)


def field_rule(extra: Any) -> FieldRule | None:
    """Return the rule declared in a field's ``json_schema_extra``, or None.

    Raises:
        ValueError: The declaration is malformed.
    """
    if extra is None or not isinstance(extra, Mapping):  # None first: Mapping's check is slow
        return None
    found = [(key, extra[key]) for key in _KEYS if key in extra]
    if not found:
        return None
    if len(found) > 1:
        raise ValueError("a field can have visible_when or enabled_when, not both")
    key, data = found[0]
    if not isinstance(data, Mapping) or not isinstance(data.get("field"), str):
        raise ValueError(f"{key} must be {{'field': name, 'values': [...]}}, not {data!r}")
    values = data.get("values", [])
    if not isinstance(values, list | tuple):
        raise ValueError(f"{key}'s values must be a list, not {values!r}")
    return FieldRule(data["field"], tuple(values), _KEYS[key])


@functools.cache
def form_rules(form_cls: type[IntegrationConfigForm]) -> dict[str, FieldRule]:
    """Return the rules of a form's fields, by field name.

    Raises:
        IntegrationRegistrationError: A rule is malformed, names an unknown
            field or itself, goes round in a circle, or is on a field without
            a default (an inactive field takes its default). The message names
            the form and the field.
    """
    rules: dict[str, FieldRule] = {}
    fields = form_cls.model_fields
    for name, info in fields.items():
        where = f"{form_cls.__qualname__}.{name}"
        try:
            rule = field_rule(info.json_schema_extra)
        except ValueError as e:
            raise IntegrationRegistrationError(f"{where}: {e}") from e
        if rule is None:
            continue
        if rule.field not in fields or rule.field == name:
            raise IntegrationRegistrationError(
                f"{where}: its rule depends on {rule.field!r}, which is not another field "
                "of the form"
            )
        if info.default is PydanticUndefined and info.default_factory is None:
            raise IntegrationRegistrationError(
                f"{where}: a field with a rule needs a default, which it takes while hidden"
            )
        rules[name] = rule
    for name in rules:
        seen = {name}
        current = rules[name].field
        while current in rules:
            if current in seen:
                raise IntegrationRegistrationError(
                    f"{form_cls.__qualname__}.{name}: its rules go round in a circle"
                )
            seen.add(current)
            current = rules[current].field
    return rules


def inactive_fields(
    form_cls: type[IntegrationConfigForm], data: Mapping[str, Any]
) -> frozenset[str]:
    """Return the fields whose rule does not hold for ``data`` (or whose controller is inactive)."""
    rules = form_rules(form_cls)
    if not rules:
        return frozenset()

    def active(name: str) -> bool:
        rule = rules.get(name)
        return rule is None or (active(rule.field) and rule.holds(data.get(rule.field)))

    return frozenset(name for name in rules if not active(name))
