"""Plain descriptions of form fields, from which any UI can build its widgets.

A pydantic field carries its meaning in several places (the annotation, its
``Annotated`` metadata, ``Field(...)`` arguments, ``json_schema_extra``).
:func:`ui_fields` gathers all of that into one :class:`UIField` per field, so a
widget toolkit only has to map a :attr:`UIField.kind` to a widget. Qt-free.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import pathlib
import types
import typing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import AnyUrl, SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined, Url

from desktop_integrations.field_rules import FieldRule, field_rule
from desktop_integrations.field_types import REQUIRED

if TYPE_CHECKING:
    from desktop_integrations.forms import IntegrationConfigForm

#: Marks a field without a default value.
NO_DEFAULT: Any = PydanticUndefined

_CONSTRAINT_NAMES = (
    "ge",
    "gt",
    "le",
    "lt",
    "multiple_of",
    "min_length",
    "max_length",
    "pattern",
)
_COLLECTIONS = (list, tuple, set, frozenset)
_SIMPLE_KINDS: tuple[tuple[type, str], ...] = (
    # bool before int and datetime before date: each is a subclass of the next.
    (SecretStr, "secret"),
    (bool, "bool"),
    (int, "int"),
    (float, "float"),
    (dt.datetime, "datetime"),
    (dt.date, "date"),
    (dt.time, "time"),
    (pathlib.PurePath, "path"),
    (AnyUrl, "url"),
    (Url, "url"),
    (str, "str"),
)


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice field.

    Attributes:
        value: The value as the form accepts and stores it.
        label: The text shown to the user.
    """

    value: Any
    label: str


@dataclass(frozen=True)
class UIField:
    """Everything a UI needs to know to show and edit one form field.

    Attributes:
        name: The field's name in the form and in the stored settings.
        title: The label.
        description: Help text, or an empty string.
        kind: What to edit: ``"str"``, ``"text"`` (multi-line), ``"secret"``,
            ``"int"``, ``"float"``, ``"bool"``, ``"choice"``, ``"url"``,
            ``"path"``, ``"str_list"``, ``"secret_list"``, ``"multi_choice"``, ``"datetime"``,
            ``"date"``, ``"time"``, or ``"unknown"``.
        annotation: The field's type with ``Optional`` and ``Annotated``
            removed.
        required: Whether the form refuses to go without a value.
        optional: Whether None (an empty value) is allowed.
        default: The field's default, or :data:`NO_DEFAULT`.
        constraints: Limits by name: ``ge``, ``gt``, ``le``, ``lt``,
            ``multiple_of``, ``min_length``, ``max_length``, ``pattern``.
        choices: The allowed values of ``choice`` and ``multi_choice`` fields.
        widget: A widget hint from ``json_schema_extra={"widget": ...}``.
        rule: When the field is shown or enabled (see
            :mod:`desktop_integrations.field_rules`), or None for always.
        extra: The rest of ``json_schema_extra``.
    """

    name: str
    title: str
    kind: str
    annotation: Any
    description: str = ""
    required: bool = False
    optional: bool = False
    default: Any = NO_DEFAULT
    constraints: dict[str, Any] = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    widget: str | None = None
    rule: FieldRule | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def secret(self) -> bool:
        """Whether the value is a secret, to be masked."""
        return self.kind in ("secret", "secret_list")


def _unwrap(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """Strip ``Annotated`` and ``Optional``: return (type, optional, metadata)."""
    optional = False
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            metadata.extend(extra)
        elif origin is typing.Union or origin is types.UnionType:
            args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(args) != 1:
                return annotation, optional, metadata
            optional = True
            annotation = args[0]
        else:
            return annotation, optional, metadata


def _choices(annotation: Any) -> tuple[Choice, ...]:
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(Choice(value, str(value)) for value in typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return tuple(
            Choice(member.value, member.name.replace("_", " ").capitalize())
            for member in annotation
        )
    return ()


def _labelled(choices: tuple[Choice, ...], extra: dict[str, Any]) -> tuple[Choice, ...]:
    """Apply ``json_schema_extra={"choice_labels": {value: label}}`` to ``choices``."""
    labels = extra.pop("choice_labels", None)
    if not isinstance(labels, dict):
        return choices
    return tuple(Choice(c.value, str(labels.get(c.value, c.label))) for c in choices)


def _kind(annotation: Any, widget: str | None) -> str:
    if _choices(annotation):
        return "choice"
    origin = typing.get_origin(annotation)
    if origin in _COLLECTIONS:
        args = [arg for arg in typing.get_args(annotation) if arg is not Ellipsis]
        item = _unwrap(args[0])[0] if len(args) == 1 else None
        if item is not None and _choices(item) and origin is not tuple:
            return "multi_choice"
        if item is str:
            return "str_list"
        if isinstance(item, type) and issubclass(item, SecretStr) and origin is list:
            return "secret_list"
        return "unknown"
    if isinstance(annotation, type):
        for cls, kind in _SIMPLE_KINDS:
            if issubclass(annotation, cls):
                return "text" if kind == "str" and widget == "textarea" else kind
    return "unknown"


def _constraints(info: FieldInfo, metadata: list[Any]) -> dict[str, Any]:
    constraints: dict[str, Any] = {}
    for item in [*metadata, *info.metadata]:
        for name in _CONSTRAINT_NAMES:
            value = getattr(item, name, None)
            if value is not None:
                constraints[name] = value
    return constraints


def ui_field(name: str, info: FieldInfo) -> UIField:
    """Describe one pydantic field for a UI."""
    annotation, optional, metadata = _unwrap(info.annotation)
    extra = dict(info.json_schema_extra) if isinstance(info.json_schema_extra, dict) else {}
    try:
        rule = field_rule(extra)
    except ValueError:
        rule = None  # reported when the integration registers
    for key in ("visible_when", "enabled_when"):
        extra.pop(key, None)
    hint = extra.pop("widget", None)
    widget = hint if isinstance(hint, str) else None
    kind = _kind(annotation, widget)
    item = None
    if kind == "multi_choice":
        item = _unwrap(typing.get_args(annotation)[0])[0]
    default = info.default
    if default is PydanticUndefined and info.default_factory is not None:
        default = info.default_factory()  # type: ignore[call-arg]
    return UIField(
        name=name,
        title=info.title or name.replace("_", " ").capitalize(),
        kind=kind,
        annotation=annotation,
        description=info.description or "",
        required=info.is_required() or any(m is REQUIRED for m in [*metadata, *info.metadata]),
        optional=optional,
        default=default,
        constraints=_constraints(info, metadata),
        choices=_labelled(_choices(item if item is not None else annotation), extra),
        widget=widget,
        rule=rule,
        extra=extra,
    )


@functools.cache
def ui_fields(form_cls: type[IntegrationConfigForm]) -> dict[str, UIField]:
    """Describe every field of a form, in declaration order."""
    return {name: ui_field(name, info) for name, info in form_cls.model_fields.items()}
