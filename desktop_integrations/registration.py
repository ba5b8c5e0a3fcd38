"""Registering an integration class: the checks it passes, its ID, its one instance."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop_integrations.errors import IntegrationRegistrationError
from desktop_integrations.lazy_form import is_lazy
from desktop_integrations.naming import qualified_id

if TYPE_CHECKING:
    from desktop_integrations.forms import IntegrationConfigForm
    from desktop_integrations.integration import Integration
    from desktop_integrations.manager import IntegrationManager


def describe(cls: type) -> str:
    """Return ``"<module>.<QualifiedName>"`` of a class, to name it in an error."""
    return f"{cls.__module__}.{cls.__qualname__}"


def class_integration_id(cls: type) -> str:
    """Return the ID set by hand on ``cls``, else its default ``"<module>.<ClassName>"``."""
    # None, as in Djblets, means "not set": the default ID is generated.
    return cls.__dict__.get("integration_id") or qualified_id(cls)


@functools.cache
def _form_checks() -> tuple[
    type[Integration], type[IntegrationConfigForm], Callable[[Any], Any], Callable[[Any], Any]
]:
    """The integration and form base classes, and the checks of a form's declarations.

    Imported on first use, since the forms (pydantic) are needed only once
    plugins register; and once, since an import statement in a function costs
    each call more once PySide6 (which wraps ``__import__``) is loaded.
    """
    from desktop_integrations.field_rules import form_rules
    from desktop_integrations.forms import IntegrationConfigForm, get_fieldsets
    from desktop_integrations.integration import Integration

    return Integration, IntegrationConfigForm, get_fieldsets, form_rules


def check_config_form(cls: type, form_cls: Any) -> None:
    """Raise IntegrationRegistrationError if ``form_cls`` is not a valid form of ``cls``."""
    _integration, form_base, get_fieldsets, form_rules = _form_checks()
    where = f"Cannot register {describe(cls)}"
    if not isinstance(form_cls, type) or not issubclass(form_cls, form_base):
        raise IntegrationRegistrationError(
            f"{where}: 'config_form_cls' must be an IntegrationConfigForm subclass, "
            f"not {form_cls!r}"
        )
    try:
        get_fieldsets(form_cls)
        form_rules(form_cls)
    except IntegrationRegistrationError as e:
        raise IntegrationRegistrationError(f"{where}: {e}") from e


def check_declaration(cls: Any) -> None:
    """Raise IntegrationRegistrationError if ``cls`` is not a valid integration."""
    integration_base = _form_checks()[0]
    if not isinstance(cls, type) or not issubclass(cls, integration_base):
        raise IntegrationRegistrationError(
            f"Cannot register {cls!r}: it is not an Integration subclass"
        )
    where = f"Cannot register {describe(cls)}"
    hand_set_id = cls.__dict__.get("integration_id") or ""
    if not isinstance(hand_set_id, str):
        raise IntegrationRegistrationError(f"{where}: 'integration_id' must be a string")
    if not isinstance(cls.name, str) or not cls.name.strip():
        raise IntegrationRegistrationError(f"{where}: 'name' must be a non-empty string")
    if not isinstance(cls.description, str):
        raise IntegrationRegistrationError(f"{where}: 'description' must be a string")
    if not is_lazy(cls):  # a lazy form is checked alike when it is built
        check_config_form(cls, cls.config_form_cls)
    if not isinstance(cls.default_settings, dict):
        raise IntegrationRegistrationError(f"{where}: 'default_settings' must be a dict")
    for key, value in cls.default_settings.items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise IntegrationRegistrationError(
                f"{where}: default_settings[{key!r}] is not JSON-compatible ({e})"
            ) from e


def instantiate(
    integration_cls: type[Integration], integration_id: str, manager: IntegrationManager
) -> Integration:
    """Make the one instance, with the ID on the class while the constructor runs.

    A constructor that raises leaves the class as it was, so that a fixed
    class registers cleanly later (under a new or hand-set ID).
    """
    missing = object()
    previous = integration_cls.__dict__.get("integration_id", missing)
    integration_cls.integration_id = integration_id
    try:
        return integration_cls(manager)
    except Exception as e:
        if previous is missing:
            del integration_cls.integration_id
        else:
            integration_cls.integration_id = previous
        raise IntegrationRegistrationError(
            f"Cannot register {describe(integration_cls)}: its constructor raised "
            f"{type(e).__name__}: {e}"
        ) from e
