"""How a form's field values are stored: secret fields, the form's own serializers.

:class:`~desktop_integrations.forms.BoundConfigForm` stores what these say;
the store encrypts the secret fields.
"""

from __future__ import annotations

import functools
import types
import typing
from typing import TYPE_CHECKING, Any

from pydantic import PlainSerializer, SecretStr, WrapSerializer
from pydantic_core import to_jsonable_python

if TYPE_CHECKING:
    from desktop_integrations.forms import IntegrationConfigForm


def _mentions_secret(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, SecretStr):
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated or origin is list:
        return _mentions_secret(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return any(_mentions_secret(arg) for arg in typing.get_args(annotation))
    return False


@functools.cache
def secret_field_names(form_cls: type[IntegrationConfigForm]) -> frozenset[str]:
    """Return the names of a form's secret fields (stored encrypted).

    They are the fields of ``SecretStr`` (``SecretUrl`` included) and of lists
    of them.
    """
    return frozenset(
        name for name, field in form_cls.model_fields.items() if _mentions_secret(field.annotation)
    )


def _annotated_metadata(annotation: Any) -> list[Any]:
    """Return the ``Annotated`` metadata found anywhere in ``annotation``."""
    found: list[Any] = []
    if typing.get_origin(annotation) is typing.Annotated:
        inner, *metadata = typing.get_args(annotation)
        return [*metadata, *_annotated_metadata(inner)]
    for arg in typing.get_args(annotation):
        found.extend(_annotated_metadata(arg))
    return found


@functools.cache
def own_serializer_fields(form_cls: type[IntegrationConfigForm]) -> frozenset[str]:
    """Return the names of the fields whose stored form the form itself chooses.

    That is, fields named by a ``@field_serializer`` or annotated with a
    ``PlainSerializer`` or ``WrapSerializer``; every field if the form has a
    ``@model_serializer``.
    """
    decorators = form_cls.__pydantic_decorators__
    if decorators.model_serializers:
        return frozenset(form_cls.model_fields)
    names: set[str] = set()
    for decorator in decorators.field_serializers.values():
        fields = decorator.info.fields
        names.update(form_cls.model_fields if "*" in fields else fields)
    for name, info in form_cls.model_fields.items():
        metadata = [*info.metadata, *_annotated_metadata(info.annotation)]
        if any(isinstance(item, PlainSerializer | WrapSerializer) for item in metadata):
            names.add(name)
    return frozenset(names)


def to_setting(value: Any) -> Any:
    """Convert a cleaned field value into its plain JSON-compatible form.

    This ignores the form's own serializers: it gives what the dialog's
    widgets edit. :meth:`~desktop_integrations.forms.BoundConfigForm.settings_data`
    gives what is stored.
    """
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, list):
        return [to_setting(item) for item in value]
    return to_jsonable_python(value)
