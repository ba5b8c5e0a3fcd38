"""Declarative configuration forms: pydantic fields plus Django-style fieldsets."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic import field_validator as _field_validator
from pydantic_core import PydanticCustomError, PydanticUndefined

from desktop_integrations.errors import ConfigValidationError
from desktop_integrations.field_rules import inactive_fields
from desktop_integrations.field_values import own_serializer_fields, secret_field_names, to_setting
from desktop_integrations.fieldsets import (
    BASIC_FIELDS,
    BASIC_INFO_FIELDSET,
    Fieldset,
    get_fieldsets,
)
from desktop_integrations.messages import FieldError, field_error, item_label

if TYPE_CHECKING:
    from desktop_integrations.config import IntegrationConfig
    from desktop_integrations.integration import Integration

__all__ = [
    "BASIC_FIELDS",
    "BASIC_INFO_FIELDSET",
    "NON_FIELD_ERRORS",
    "BoundConfigForm",
    "Fieldset",
    "IntegrationConfigForm",
    "get_fieldsets",
    "own_serializer_fields",
    "secret_field_names",
    "to_setting",
]

logger = logging.getLogger(__name__)

#: The key of form-level errors in :attr:`BoundConfigForm.errors`.
NON_FIELD_ERRORS = "__all__"


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
