"""Declarative configuration forms: pydantic fields plus Django-style fieldsets."""

from __future__ import annotations

import functools
import logging
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    ValidationError,
    WrapSerializer,
)
from pydantic import field_validator as _field_validator
from pydantic_core import PydanticCustomError, PydanticUndefined, to_jsonable_python

from desktop_integrations.errors import (
    ConfigValidationError,
    IntegrationRegistrationError,
)
from desktop_integrations.field_rules import inactive_fields
from desktop_integrations.messages import FieldError, field_error, item_label

if TYPE_CHECKING:
    from desktop_integrations.config import IntegrationConfig
    from desktop_integrations.integration import Integration

logger = logging.getLogger(__name__)

#: Fields every form declares; they are stored on the configuration itself.
BASIC_FIELDS = ("name", "enabled")
#: The key of form-level errors in :attr:`BoundConfigForm.errors`.
NON_FIELD_ERRORS = "__all__"
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


class IntegrationConfigForm(BaseModel):
    """Base class of every integration's configuration form.

    Subclasses declare fields with ordinary annotations and
    ``Field(title=..., description=...)``, and group them with a nested
    ``Meta`` class whose ``fieldsets`` follows Django admin's format.
    """

    # ignored_types: a nested ``Meta`` is options, never a field, however the
    # class is built.
    # allow_inf_nan: stored settings are JSON, which has no NaN or infinity.
    model_config = ConfigDict(extra="ignore", ignored_types=(type,), allow_inf_nan=False)

    name: str = Field(title="Name", description="A name for this configuration.")
    enabled: bool = Field(default=True, title="Enable this integration")

    class Meta:
        """Form options; subclasses replace ``fieldsets``."""

        fieldsets: ClassVar[tuple[Any, ...]] = ()

    @_field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise PydanticCustomError("blank", "Enter a name for this configuration.")
        if any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in value):
            raise PydanticCustomError(
                "name_characters", "The name cannot contain control or invalid characters."
            )
        return value


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
    widgets edit. :meth:`BoundConfigForm.settings_data` gives what is stored.
    """
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, list):
        return [to_setting(item) for item in value]
    return to_jsonable_python(value)


class BoundConfigForm:
    """A configuration form bound to an integration, a configuration and data.

    Attributes:
        integration: The integration whose form this is.
        config: The configuration being edited, or None for a new one.
        form_cls: The integration's :class:`IntegrationConfigForm` subclass.
        fieldsets: The form's fieldsets (see :func:`get_fieldsets`).
        initial: The values the form starts from: the stored value, else the
            integration's ``default_settings``, else the field's default.
        data: The submitted values, laid over ``initial``.
    """

    def __init__(
        self,
        integration: Integration,
        config: IntegrationConfig | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        self.integration = integration
        self.config = config
        self.form_cls = integration.config_form_cls
        self.fieldsets = get_fieldsets(self.form_cls)
        self.initial = self._initial_values()
        self.data: dict[str, Any] = {**self.initial, **(data or {})}
        self._errors: dict[str, list[str]] | None = None
        self._details: dict[str, list[FieldError]] = {}
        self._model: IntegrationConfigForm | None = None

    def _initial_values(self) -> dict[str, Any]:
        config = self.config
        defaults = self.integration.default_settings
        initial: dict[str, Any] = {
            "name": config.name if config else "",
            "enabled": config.enabled if config else True,
        }
        settings = config.settings if config else {}
        for name, field in self.form_cls.model_fields.items():
            if name in BASIC_FIELDS:
                continue
            if name in settings:
                initial[name] = settings[name]
            elif name in defaults:
                initial[name] = defaults[name]
            elif field.default is not PydanticUndefined:
                initial[name] = field.default
            elif field.default_factory is not None:
                initial[name] = field.default_factory()  # type: ignore[call-arg]
        return initial

    @property
    def inactive_fields(self) -> frozenset[str]:
        """Fields hidden or disabled by their rule for :attr:`data` (see :mod:`.field_rules`).

        They are not validated; their cleaned value is their default, and
        :meth:`save` keeps what was stored for them.
        """
        return inactive_fields(self.form_cls, self.data)

    def full_clean(self) -> None:
        """Validate :attr:`data`, filling :attr:`errors` and :attr:`cleaned_data`."""
        errors: dict[str, list[str]] = {}
        self._details = {}
        inactive = self.inactive_fields
        data = {k: v for k, v in self.data.items() if k not in inactive} if inactive else self.data
        try:
            self._model = self.form_cls.model_validate(data)
        except ValidationError as e:
            self._model = None
            for error in e.errors():
                loc = error["loc"]
                key = (
                    str(loc[0])
                    if loc and loc[0] in self.form_cls.model_fields
                    else NON_FIELD_ERRORS
                )
                detail = field_error(error, self.form_cls.model_fields.get(key))
                self._details.setdefault(key, []).append(detail)
                errors.setdefault(key, []).append(item_label(detail.loc) + detail.message)
        except Exception as e:
            # A validator written by the integration failed in a way pydantic
            # does not wrap; report it on the form rather than crash the caller.
            logger.exception("Validating the form of %r failed", self.integration.id)
            self._model = None
            errors[NON_FIELD_ERRORS] = [f"The form could not be validated: {e}"]
        self._errors = errors

    @property
    def errors(self) -> dict[str, list[str]]:
        """Messages per field name, and form-level ones under ``"__all__"``."""
        if self._errors is None:
            self.full_clean()
        assert self._errors is not None
        return self._errors

    @property
    def error_details(self) -> dict[str, list[FieldError]]:
        """The errors per field name with where in the value each is and pydantic's text."""
        if self._errors is None:
            self.full_clean()
        return self._details

    def is_valid(self) -> bool:
        """Return whether the data validates."""
        return not self.errors

    @property
    def cleaned_data(self) -> dict[str, Any]:
        """The validated values by field name, or an empty dict if invalid."""
        if not self.is_valid() or self._model is None:
            return {}
        return {name: getattr(self._model, name) for name in self.form_cls.model_fields}

    def settings_data(self) -> dict[str, Any]:
        """Return the validated settings as they are stored, JSON-compatible.

        The form's own serialization is honoured (``@field_serializer``,
        ``Annotated[..., PlainSerializer(...)]``, as Djblets honours
        ``serialize_<field>_field``); a validator in ``"before"`` mode turns
        the stored value back when the configuration is loaded. Secret fields
        without a serializer of their own are stored as their real value,
        which the store encrypts. Inactive fields (see :attr:`inactive_fields`)
        are left out, so what was stored for them is kept.

        Raises:
            ConfigValidationError: The data does not validate.
        """
        if not self.is_valid() or self._model is None:
            raise ConfigValidationError(self.errors)
        dumped = self._model.model_dump(mode="json")
        own = own_serializer_fields(self.form_cls)
        secrets = secret_field_names(self.form_cls)
        skipped = BASIC_FIELDS + tuple(self.inactive_fields)
        return {
            name: (
                to_setting(getattr(self._model, name))
                if name in secrets and name not in own
                else dumped[name]
            )
            for name in self.form_cls.model_fields
            if name not in skipped
        }

    def widget_values(self) -> dict[str, Any]:
        """Return the values a dialog shows: :attr:`initial`, made plain JSON.

        Stored values the form validates are shown as validated, so a value
        the form's serializer stored in another shape is shown in the shape
        its widget edits.
        """
        values = dict(self.initial)
        if self.config is not None and self.is_valid():
            # An inactive field shows what is stored for it, for when it comes back.
            skipped = BASIC_FIELDS + tuple(self.inactive_fields)
            values.update(
                (name, value) for name, value in self.cleaned_data.items() if name not in skipped
            )
        converted = {}
        for name, value in values.items():
            try:
                converted[name] = to_setting(value)
            except Exception:
                # Not JSON-compatible (an odd default): the widget gets it as it is.
                converted[name] = value
        return converted

    def save(self, *, force: bool = False) -> IntegrationConfig:
        """Save the validated data onto the configuration and store it.

        ``name`` and ``enabled`` go onto the configuration; every other field
        goes into its ``settings`` under the field's name, as
        :meth:`settings_data` gives it.
        Settings the form does not declare are kept. If storing fails, the
        configuration object is left as it was.

        Args:
            force: Overwrite even if the configuration changed in the database
                since it was loaded.

        Raises:
            ConfigValidationError: The data does not validate.
            ConfigConflictError: The configuration changed since it was loaded.
            StoreError: The database could not be written.
        """
        stored = self.settings_data()
        cleaned = self.cleaned_data
        config = self.config or self.integration.create_config()
        before = config.snapshot()
        config.name = cleaned["name"]
        config.enabled = cleaned["enabled"]
        config.settings = {**config.settings, **stored}
        config.settings_version = self.integration.settings_version
        try:
            config.save(force=force)
        except BaseException:
            config.restore(before)
            raise
        self.config = config
        return config
