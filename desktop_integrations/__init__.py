"""desktop-integrations: manage integrations with third-party services.

The public API: integrations, their configuration forms and stored
configurations, the manager and database, hooks, and extensions.
"""

from desktop_integrations.__about__ import __version__
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
from desktop_integrations.extension import Extension, IntegrationHook
from desktop_integrations.extension_manager import ExtensionManager
from desktop_integrations.forms import BoundConfigForm, Fieldset, IntegrationConfigForm
from desktop_integrations.hooks import Hook, SignalHook
from desktop_integrations.integration import Integration, static
from desktop_integrations.manager import (
    IntegrationManager,
    get_integration_manager,
    set_integration_manager,
)
from desktop_integrations.store import ConfigStore

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
    "SchemaTooNewError",
    "SignalHook",
    "StoreError",
    "__version__",
    "emit",
    "get_integration_manager",
    "set_integration_manager",
    "static",
]
