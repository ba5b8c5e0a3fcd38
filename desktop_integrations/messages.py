"""Validation messages written for people, from pydantic's errors.

Pydantic's own wording ("Input should be a valid URL, relative URL without a
base") is for programmers. :func:`human_message` says what to do instead, for
every constraint and type the form layer supports; :class:`FieldError` keeps
pydantic's text beside it for plugin authors (the dialog shows it in a tooltip).
A message from a plugin's own validator (a ``PydanticCustomError`` or a
``ValueError``) is already the plugin's wording and is kept.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_core.core_schema import ErrorType

#: Pydantic's own error types; any other type is a plugin's custom error.
_PYDANTIC_TYPES = frozenset(typing.get_args(ErrorType))
_REQUIRED = "This field is required."
_URL = "Enter a full URL, such as {example}."
_NUMBER = "Enter a number, such as 3 or 2.5."
_WHOLE = "Enter a whole number, such as 3."
_DATE = "Enter a date, such as 2024-01-31."
_DATETIME = "Enter a date and time, such as 2024-01-31 14:30."
_TIME = "Enter a time, such as 14:30."


@dataclass(frozen=True)
class FieldError:
    """One validation error of a form field.

    Attributes:
        loc: Where inside the field's value, if anywhere: ``(0,)`` for the first
            entry of a list, ``("rules", 1)`` for the second rule of conditions.
        message: What to do, for people.
        raw: Pydantic's own message, for plugin authors.
    """

    loc: tuple[str | int, ...]
    message: str
    raw: str


def _number(value: Any) -> str:
    """Return a limit as people write it: 0, not 0.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _plural(count: Any, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _url_example(field: FieldInfo | None) -> str:
    examples = field.examples if field is not None else None
    if examples and isinstance(examples[0], str):
        return examples[0]
    return "https://example.com/…"


def _length(ctx: Mapping[str, Any], is_list: bool, key: str) -> str:
    count = ctx.get(key, "?")
    if is_list:
        if key == "min_length":
            return "Add at least one entry." if count == 1 else f"Add at least {count} entries."
        return f"Use at most {_plural(count, 'entry', 'entries')}."
    if key == "min_length":
        return f"Enter at least {_plural(count, 'character', 'characters')}."
    return f"Use at most {_plural(count, 'character', 'characters')}."


_Maker = Callable[[Mapping[str, Any], FieldInfo | None], str]

_BY_TYPE: dict[str, _Maker] = {
    "missing": lambda ctx, field: _REQUIRED,
    "url_parsing": lambda ctx, field: _URL.format(example=_url_example(field)),
    "url_syntax_violation": lambda ctx, field: _URL.format(example=_url_example(field)),
    "url_type": lambda ctx, field: _URL.format(example=_url_example(field)),
    "url_too_long": lambda ctx, field: (
        f"Use a URL of at most {_plural(ctx.get('max_length'), 'character', 'characters')}."
    ),
    "url_scheme": lambda ctx, field: (
        f"Start the URL with {ctx.get('expected_schemes', 'http or https')}."
    ),
    "string_too_short": lambda ctx, field: _length(ctx, False, "min_length"),
    "string_too_long": lambda ctx, field: _length(ctx, False, "max_length"),
    "too_short": lambda ctx, field: _length(ctx, True, "min_length"),
    "too_long": lambda ctx, field: _length(ctx, True, "max_length"),
    "string_pattern_mismatch": lambda ctx, field: (
        "This is not in the form this field expects; see its help text."
    ),
    "string_type": lambda ctx, field: "Enter text.",
    "greater_than": lambda ctx, field: f"Enter a number greater than {_number(ctx.get('gt'))}.",
    "greater_than_equal": lambda ctx, field: f"Enter {_number(ctx.get('ge'))} or more.",
    "less_than": lambda ctx, field: f"Enter a number less than {_number(ctx.get('lt'))}.",
    "less_than_equal": lambda ctx, field: f"Enter {_number(ctx.get('le'))} or less.",
    "multiple_of": lambda ctx, field: f"Enter a multiple of {_number(ctx.get('multiple_of'))}.",
    "finite_number": lambda ctx, field: "Enter a finite number.",
    "int_parsing": lambda ctx, field: _WHOLE,
    "int_type": lambda ctx, field: _WHOLE,
    "int_from_float": lambda ctx, field: _WHOLE,
    "int_parsing_size": lambda ctx, field: "Enter a smaller whole number.",
    "float_parsing": lambda ctx, field: _NUMBER,
    "float_type": lambda ctx, field: _NUMBER,
    "decimal_parsing": lambda ctx, field: _NUMBER,
    "decimal_type": lambda ctx, field: _NUMBER,
    "bool_parsing": lambda ctx, field: "Choose yes or no.",
    "bool_type": lambda ctx, field: "Choose yes or no.",
    "literal_error": lambda ctx, field: f"Choose one of {ctx.get('expected', 'the choices')}.",
    "enum": lambda ctx, field: f"Choose one of {ctx.get('expected', 'the choices')}.",
    "list_type": lambda ctx, field: "Enter a list of entries.",
    "set_type": lambda ctx, field: "Enter a list of entries.",
    "tuple_type": lambda ctx, field: "Enter a list of entries.",
    "frozen_set_type": lambda ctx, field: "Enter a list of entries.",
    "dict_type": lambda ctx, field: 'Enter names and values, such as {"name": 1}.',
    "model_type": lambda ctx, field: "Enter the parts of this setting.",
    "model_attributes_type": lambda ctx, field: "Enter the parts of this setting.",
    "json_invalid": lambda ctx, field: "Enter valid JSON.",
    "json_type": lambda ctx, field: "Enter valid JSON.",
    "date_parsing": lambda ctx, field: _DATE,
    "date_type": lambda ctx, field: _DATE,
    "date_from_datetime_parsing": lambda ctx, field: _DATE,
    "date_from_datetime_inexact": lambda ctx, field: "Enter a date without a time.",
    "datetime_parsing": lambda ctx, field: _DATETIME,
    "datetime_type": lambda ctx, field: _DATETIME,
    "datetime_from_date_parsing": lambda ctx, field: _DATETIME,
    "datetime_object_invalid": lambda ctx, field: _DATETIME,
    "time_parsing": lambda ctx, field: _TIME,
    "time_type": lambda ctx, field: _TIME,
    "timezone_aware": lambda ctx, field: "Include a time zone, such as +01:00.",
    "timezone_naive": lambda ctx, field: "Leave out the time zone.",
    "time_delta_parsing": lambda ctx, field: "Enter a duration, such as 90 (seconds).",
    "time_delta_type": lambda ctx, field: "Enter a duration, such as 90 (seconds).",
    "path_type": lambda ctx, field: "Enter the path of a file or folder.",
    "path_not_file": lambda ctx, field: "Enter the path of an existing file.",
    "path_not_directory": lambda ctx, field: "Enter the path of an existing folder.",
    "uuid_parsing": lambda ctx, field: "Enter an ID such as 12345678-1234-5678-1234-567812345678.",
    "uuid_type": lambda ctx, field: "Enter an ID such as 12345678-1234-5678-1234-567812345678.",
    "extra_forbidden": lambda ctx, field: "This is not a setting of this form.",
    "none_required": lambda ctx, field: "Leave this empty.",
}

_PREFIXES = ("Value error, ", "Assertion failed, ")


def _from_validator(message: str) -> str:
    for prefix in _PREFIXES:
        if message.startswith(prefix):
            message = message.removeprefix(prefix)
    message = message.strip() or "This value is not valid."
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "!", "?", "…")) else message + "."


def human_message(error: Mapping[str, Any], field: FieldInfo | None = None) -> str:
    """Return what to do about one pydantic error, written for people.

    Args:
        error: One entry of ``ValidationError.errors()``.
        field: The form field it belongs to, if known (for examples and defaults).
    """
    kind = str(error.get("type", ""))
    raw = str(error.get("msg", ""))
    # An empty box is how a user leaves a field out: say that it is needed
    # rather than why an empty string is not, say, a URL.
    blank = error.get("input") == "" and field is not None and field.is_required()
    if kind == "missing" or (blank and len(error.get("loc", ())) == 1):
        return _REQUIRED
    maker = _BY_TYPE.get(kind)
    if maker is not None:
        return maker(error.get("ctx") or {}, field)
    if kind in ("value_error", "assertion_error") or kind not in _PYDANTIC_TYPES:
        return _from_validator(raw)  # the plugin's, or our own, wording
    return "This value is not valid."


def item_label(loc: tuple[str | int, ...]) -> str:
    """Return where in a value an error is, for people: "Entry 2: " (empty: the whole)."""
    numbers = [part for part in loc if isinstance(part, int)]
    if not numbers:
        return ""
    noun = "Rule" if loc and loc[0] == "rules" else "Entry"
    return f"{noun} {numbers[0] + 1}: "


def field_error(error: Mapping[str, Any], field: FieldInfo | None = None) -> FieldError:
    """Return a :class:`FieldError` for one pydantic error of a form field."""
    loc = tuple(error.get("loc", ()))[1:]
    return FieldError(loc, human_message(error, field), str(error.get("msg", "")))
