"""desktop-integrations: manage integrations with third-party services.

The public API: integrations, their configuration forms and stored
configurations, the manager and database, hooks, extensions, events and
their conditions, and the delivery pipeline that service integrations use
(``ServiceIntegration`` and its transports, the delivery log).
"""

import sys

if "PySide6" in sys.modules:  # a Qt program imported it first (the app does so later)
    # First: it makes PySide6's check of each module imported from here on cheap.
    import desktop_integrations.pyside_import_scan  # noqa: F401

import importlib
from typing import TYPE_CHECKING, Any

from desktop_integrations.__about__ import __version__

if TYPE_CHECKING:
    from desktop_integrations.condition_fields import (
        ConditionField,
        ConditionFieldHook,
        register_condition_field,
    )
    from desktop_integrations.conditions import Conditions, Rule
    from desktop_integrations.config import ConfigList, IntegrationConfig
    from desktop_integrations.delivery.http import HttpTransport
    from desktop_integrations.delivery.log import recent_deliveries
    from desktop_integrations.delivery.pool import DeliveryPool
    from desktop_integrations.delivery.record import DeliveryError, Outcome
    from desktop_integrations.delivery.service import ServiceConfigForm, ServiceIntegration
    from desktop_integrations.delivery.smtp import SmtpServer, SmtpTransport
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
    from desktop_integrations.field_rules import enabled_when, visible_when
    from desktop_integrations.field_types import RequiredText
    from desktop_integrations.fieldsets import Fieldset
    from desktop_integrations.forms import BoundConfigForm, IntegrationConfigForm
    from desktop_integrations.hooks import EventHook, Hook, SignalHook
    from desktop_integrations.integration import Integration
    from desktop_integrations.manager import (
        IntegrationManager,
        get_integration_manager,
        set_integration_manager,
    )
    from desktop_integrations.naming import static
    from desktop_integrations.secret_url import SecretUrl
    from desktop_integrations.storage import ConfigStore, Store, open_store

#: Where each public name is defined. They are imported on first use, so that
#: importing one module (the app's first window, a headless command) does not
#: import pydantic and every other one.
_MODULES = {
    "BoundConfigForm": "desktop_integrations.forms",
    "ConditionField": "desktop_integrations.condition_fields",
    "ConditionFieldHook": "desktop_integrations.condition_fields",
    "Conditions": "desktop_integrations.conditions",
    "ConfigConflictError": "desktop_integrations.errors",
    "ConfigList": "desktop_integrations.config",
    "ConfigStore": "desktop_integrations.storage.sqlite",
    "ConfigValidationError": "desktop_integrations.errors",
    "DeliveryError": "desktop_integrations.delivery.record",
    "DeliveryPool": "desktop_integrations.delivery.pool",
    "Event": "desktop_integrations.events",
    "EventHook": "desktop_integrations.hooks",
    "Extension": "desktop_integrations.extensions.extension",
    "ExtensionManager": "desktop_integrations.extensions.manager",
    "Fieldset": "desktop_integrations.fieldsets",
    "Hook": "desktop_integrations.hooks",
    "HttpTransport": "desktop_integrations.delivery.http",
    "Integration": "desktop_integrations.integration",
    "IntegrationAlreadyRegisteredError": "desktop_integrations.errors",
    "IntegrationConfig": "desktop_integrations.config",
    "IntegrationConfigForm": "desktop_integrations.forms",
    "IntegrationError": "desktop_integrations.errors",
    "IntegrationHook": "desktop_integrations.extensions.extension",
    "IntegrationManager": "desktop_integrations.manager",
    "IntegrationNotRegisteredError": "desktop_integrations.errors",
    "IntegrationRegistrationError": "desktop_integrations.errors",
    "Outcome": "desktop_integrations.delivery.record",
    "RequiredText": "desktop_integrations.field_types",
    "Rule": "desktop_integrations.conditions",
    "SchemaTooNewError": "desktop_integrations.errors",
    "SecretUrl": "desktop_integrations.secret_url",
    "ServiceConfigForm": "desktop_integrations.delivery.service",
    "ServiceIntegration": "desktop_integrations.delivery.service",
    "SignalHook": "desktop_integrations.hooks",
    "SmtpServer": "desktop_integrations.delivery.smtp",
    "SmtpTransport": "desktop_integrations.delivery.smtp",
    "Store": "desktop_integrations.storage.base",
    "StoreError": "desktop_integrations.errors",
    "emit": "desktop_integrations.events",
    "enabled_when": "desktop_integrations.field_rules",
    "get_integration_manager": "desktop_integrations.manager",
    "open_store": "desktop_integrations.storage.target",
    "recent_deliveries": "desktop_integrations.delivery.log",
    "register_condition_field": "desktop_integrations.condition_fields",
    "set_integration_manager": "desktop_integrations.manager",
    "static": "desktop_integrations.naming",
    "visible_when": "desktop_integrations.field_rules",
}

__all__ = [
    "BoundConfigForm",
    "ConditionField",
    "ConditionFieldHook",
    "Conditions",
    "ConfigConflictError",
    "ConfigList",
    "ConfigStore",
    "ConfigValidationError",
    "DeliveryError",
    "DeliveryPool",
    "Event",
    "EventHook",
    "Extension",
    "ExtensionManager",
    "Fieldset",
    "Hook",
    "HttpTransport",
    "Integration",
    "IntegrationAlreadyRegisteredError",
    "IntegrationConfig",
    "IntegrationConfigForm",
    "IntegrationError",
    "IntegrationHook",
    "IntegrationManager",
    "IntegrationNotRegisteredError",
    "IntegrationRegistrationError",
    "Outcome",
    "RequiredText",
    "Rule",
    "SchemaTooNewError",
    "SecretUrl",
    "ServiceConfigForm",
    "ServiceIntegration",
    "SignalHook",
    "SmtpServer",
    "SmtpTransport",
    "Store",
    "StoreError",
    "__version__",
    "emit",
    "enabled_when",
    "get_integration_manager",
    "open_store",
    "recent_deliveries",
    "register_condition_field",
    "set_integration_manager",
    "static",
    "visible_when",
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
