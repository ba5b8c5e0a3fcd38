"""The error tree: every error the framework raises derives from IntegrationError."""

from __future__ import annotations


class IntegrationError(Exception):
    """Base class for every error raised by desktop-integrations."""


class IntegrationRegistrationError(IntegrationError):
    """An integration class could not be registered.

    The message names the class and, where it applies, the field at fault.
    """


class IntegrationAlreadyRegisteredError(IntegrationRegistrationError):
    """An integration with the same ID is already registered."""


class IntegrationNotRegisteredError(IntegrationError):
    """No integration is registered under the given ID or class."""


class ConfigConflictError(IntegrationError):
    """A configuration changed in the database since it was loaded.

    Saving it would silently discard the other change, so the save is refused.
    Reload the configuration, or save it with ``force=True`` to overwrite.
    """


class StoreError(IntegrationError):
    """The configuration database could not be read or written."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer version of the application."""


class ConfigValidationError(IntegrationError):
    """Configuration data does not validate against its integration's form.

    Attributes:
        errors: Messages per field name, form-level ones under ``"__all__"``.
    """

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
        super().__init__(f"The configuration is not valid: {details}")
