"""desktop-integrations: manage integrations with third-party services.

The public API: integrations, their configuration forms and stored
configurations, the manager and database, hooks, and extensions.
"""

import importlib
from typing import TYPE_CHECKING, Any

from desktop_integrations.__about__ import __version__

if TYPE_CHECKING:
    from desktop_integrations.conditions import Conditions
    from desktop_integrations.config import ConfigList, IntegrationConfig
    from desktop_integrations.errors import (
        ConfigConflictError,
        ConfigValidationError,
        IntegrationAlreadyRegisteredError,
        IntegrationError,
        IntegrationNotRegisteredError,
        IntegrationRegistrationError,
        SchemaTooNewError,
        StoreError,
    )
    from desktop_integrations.events import Event, emit
    from desktop_integrations.extensions.extension import Extension, IntegrationHook
    from desktop_integrations.extensions.manager import ExtensionManager
    from desktop_integrations.field_types import RequiredText
    from desktop_integrations.forms import BoundConfigForm, Fieldset, IntegrationConfigForm
    from desktop_integrations.hooks import Hook, SignalHook
    from desktop_integrations.integration import Integration
    from desktop_integrations.manager import (
        IntegrationManager,
        get_integration_manager,
        set_integration_manager,
    )
    from desktop_integrations.naming import static
    from desktop_integrations.storage import ConfigStore, Store, open_store

#: Where each public name is defined. They are imported on first use, so that
#: importing one module (the app's first window, a headless command) does not
#: import pydantic and every other one.
_MODULES = {
    "BoundConfigForm": "desktop_integrations.forms",
    "Conditions": "desktop_integrations.conditions",
    "ConfigConflictError": "desktop_integrations.errors",
    "ConfigList": "desktop_integrations.config",
    "ConfigStore": "desktop_integrations.storage.sqlite",
    "ConfigValidationError": "desktop_integrations.errors",
    "Event": "desktop_integrations.events",
    "Extension": "desktop_integrations.extensions.extension",
    "ExtensionManager": "desktop_integrations.extensions.manager",
    "Fieldset": "desktop_integrations.forms",
    "Hook": "desktop_integrations.hooks",
    "Integration": "desktop_integrations.integration",
    "IntegrationAlreadyRegisteredError": "desktop_integrations.errors",
    "IntegrationConfig": "desktop_integrations.config",
    "IntegrationConfigForm": "desktop_integrations.forms",
    "IntegrationError": "desktop_integrations.errors",
    "IntegrationHook": "desktop_integrations.extensions.extension",
    "IntegrationManager": "desktop_integrations.manager",
    "IntegrationNotRegisteredError": "desktop_integrations.errors",
    "IntegrationRegistrationError": "desktop_integrations.errors",
    "RequiredText": "desktop_integrations.field_types",
    "SchemaTooNewError": "desktop_integrations.errors",
    "SignalHook": "desktop_integrations.hooks",
    "Store": "desktop_integrations.storage.base",
    "StoreError": "desktop_integrations.errors",
    "emit": "desktop_integrations.events",
    "get_integration_manager": "desktop_integrations.manager",
    "open_store": "desktop_integrations.storage.target",
    "set_integration_manager": "desktop_integrations.manager",
    "static": "desktop_integrations.naming",
}

__all__ = [
    "BoundConfigForm",
    "Conditions",
    "ConfigConflictError",
    "ConfigList",
    "ConfigStore",
    "ConfigValidationError",
    "Event",
    "Extension",
    "ExtensionManager",
    "Fieldset",
    "Hook",
    "Integration",
    "IntegrationAlreadyRegisteredError",
    "IntegrationConfig",
    "IntegrationConfigForm",
    "IntegrationError",
    "IntegrationHook",
    "IntegrationManager",
    "IntegrationNotRegisteredError",
    "IntegrationRegistrationError",
    "RequiredText",
    "SchemaTooNewError",
    "SignalHook",
    "Store",
    "StoreError",
    "__version__",
    "emit",
    "get_integration_manager",
    "open_store",
    "set_integration_manager",
    "static",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
