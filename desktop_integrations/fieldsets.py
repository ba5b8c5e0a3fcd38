"""Fieldsets: the titled groups a configuration form's fields are shown in."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop_integrations.errors import IntegrationRegistrationError

if TYPE_CHECKING:
    from desktop_integrations.forms import IntegrationConfigForm

#: Fields every form declares; they are stored on the configuration itself.
BASIC_FIELDS = ("name", "enabled")
_FIELDSET_OPTIONS = frozenset({"fields", "description", "classes"})


@dataclass(frozen=True)
class Fieldset:
    """A titled group of fields, as shown in the configuration dialog.

    Attributes:
        title: The group's title, or None for an untitled group.
        fields: The names of the fields in the group, in order.
        description: Instructions shown above the fields.
        classes: Presentation hints such as ``"collapse"`` and ``"wide"``.
    """

    title: str | None
    fields: tuple[str, ...]
    description: str = ""
    classes: tuple[str, ...] = ()

    @property
    def collapsible(self) -> bool:
        """Whether the group starts collapsed and can be expanded."""
        return "collapse" in self.classes


BASIC_INFO_FIELDSET = Fieldset(
    title="Basic Information",
    fields=BASIC_FIELDS,
    description="Give this configuration a name you will recognize, and choose "
    "whether it is in use.",
)


def _fieldset_error(form_cls: type, message: str) -> IntegrationRegistrationError:
    return IntegrationRegistrationError(f"{form_cls.__qualname__}.Meta.fieldsets: {message}")


def _str_tuple(form_cls: type, value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise _fieldset_error(form_cls, f"{what} must be a tuple of strings, not {value!r}")
    if not all(isinstance(item, str) for item in value):
        raise _fieldset_error(form_cls, f"{what} must hold only strings: {value!r}")
    return tuple(value)


def _parse_fieldset(form_cls: type, index: int, entry: Any) -> Fieldset:
    if not isinstance(entry, tuple | list) or len(entry) != 2:
        raise _fieldset_error(
            form_cls, f"entry {index} must be a (title, options) pair, not {entry!r}"
        )
    title, options = entry
    where = f"fieldset {title!r}" if title else f"fieldset {index}"
    if title is not None and not isinstance(title, str):
        raise _fieldset_error(form_cls, f"{where}: the title must be a string or None")
    if not isinstance(options, Mapping):
        raise _fieldset_error(form_cls, f"{where}: the options must be a dict")
    unknown = set(options) - _FIELDSET_OPTIONS
    if unknown:
        raise _fieldset_error(
            form_cls,
            f"{where}: unknown option(s) {', '.join(map(repr, sorted(unknown, key=str)))}",
        )
    description = options.get("description", "")
    if not isinstance(description, str):
        raise _fieldset_error(form_cls, f"{where}: the description must be a string")
    return Fieldset(
        title=title or None,
        fields=_str_tuple(form_cls, options.get("fields", ()), f"{where}: 'fields'"),
        description=description,
        classes=_str_tuple(form_cls, options.get("classes", ()), f"{where}: 'classes'"),
    )


@functools.cache
def get_fieldsets(form_cls: type[IntegrationConfigForm]) -> tuple[Fieldset, ...]:
    """Return a form's fieldsets, validated and complete.

    The basic-information fieldset comes first. A declared field that no
    fieldset lists is appended in a trailing untitled fieldset, so nothing
    declared is ever hidden.

    Raises:
        IntegrationRegistrationError: The declaration is malformed, names an
            unknown field, or lists a field twice. The message names the form
            class and the field.
    """
    meta = getattr(form_cls, "Meta", None)
    raw = getattr(meta, "fieldsets", ())
    if isinstance(raw, str) or not isinstance(raw, tuple | list):
        raise _fieldset_error(form_cls, f"must be a tuple of (title, options) pairs, not {raw!r}")
    fieldsets = [BASIC_INFO_FIELDSET]
    seen = set(BASIC_FIELDS)
    for index, entry in enumerate(raw):
        fieldset = _parse_fieldset(form_cls, index, entry)
        for name in fieldset.fields:
            if name not in form_cls.model_fields:
                raise _fieldset_error(
                    form_cls,
                    f"{fieldset.title or 'an untitled fieldset'} lists unknown field {name!r}",
                )
            if name in seen:
                raise _fieldset_error(form_cls, f"field {name!r} is listed more than once")
            seen.add(name)
        fieldsets.append(fieldset)
    unlisted = tuple(name for name in form_cls.model_fields if name not in seen)
    if unlisted:
        fieldsets.append(Fieldset(title=None, fields=unlisted))
    return tuple(fieldsets)
