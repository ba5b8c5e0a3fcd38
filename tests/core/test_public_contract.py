"""The names that code outside the project relies on (DESIGN.md, "Public contract")."""

from __future__ import annotations

import importlib

import pytest

import desktop_integrations as di

TOP_LEVEL = [
    "BoundConfigForm",
    "ConfigConflictError",
    "ConfigStore",
    "Extension",
    "ExtensionManager",
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
    "SignalHook",
    "get_integration_manager",
    "static",
    # The delivery pipeline, for plugins' service integrations.
    "ServiceIntegration",
    "ServiceConfigForm",
    "Outcome",
    "DeliveryError",
    "DeliveryPool",
    "HttpTransport",
    "SmtpServer",
    "SmtpTransport",
    "Conditions",
    "Rule",
    "Event",
    "emit",
    "recent_deliveries",
    # Plugins' own condition fields, hooks on one event kind, form types.
    "ConditionField",
    "ConditionFieldHook",
    "register_condition_field",
    "EventHook",
    "RequiredText",
    "visible_when",
    "enabled_when",
]


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_contract_names_import_from_the_top_level(name: str) -> None:
    assert name in di.__all__
    assert getattr(di, name) is not None


def test_the_public_pipeline_names_are_the_delivery_packages_own() -> None:
    delivery = importlib.import_module("desktop_integrations.delivery")
    for name in ("ServiceIntegration", "ServiceConfigForm", "Outcome", "DeliveryError"):
        assert getattr(di, name) is getattr(delivery, name), name
        assert getattr(di, name).__doc__, name
    assert di.recent_deliveries is delivery.recent_deliveries
    assert issubclass(di.DeliveryError, di.IntegrationError)
    assert issubclass(di.ServiceIntegration, di.Integration)
    assert issubclass(di.ServiceConfigForm, di.IntegrationConfigForm)


def test_the_error_tree() -> None:
    assert issubclass(di.IntegrationRegistrationError, di.IntegrationError)
    assert issubclass(di.IntegrationAlreadyRegisteredError, di.IntegrationRegistrationError)
    assert issubclass(di.IntegrationNotRegisteredError, di.IntegrationError)
    assert issubclass(di.ConfigConflictError, di.IntegrationError)


def test_events_module() -> None:
    events = importlib.import_module("desktop_integrations.events")
    for name in ("Event", "event_occurred", "emit"):
        assert hasattr(events, name), name
    assert set(events.Event.model_fields) >= {
        "kind",
        "title",
        "body",
        "url",
        "fields",
        "level",
        "timestamp",
    }


def test_integration_and_config_members() -> None:
    for name in (
        "enable_integration",
        "disable_integration",
        "initialize",
        "shutdown",
        "shutdown_hooks",
        "get_configs",
        "create_config",
        "build_config_form",
        "icon_static_urls",
    ):
        assert hasattr(di.Integration, name), name
    for name in ("get", "set", "save", "delete", "integration", "settings"):
        assert hasattr(di.IntegrationConfig, name), name
    for name in (
        "register_integration_class",
        "unregister_integration_class",
        "get_integration",
        "get_integrations",
        "get_integration_classes",
        "get_integration_configs",
        "clear_configs_cache",
        "clear_all_configs_cache",
        "is_expired",
        "check_expired",
        "shutdown",
    ):
        assert hasattr(di.IntegrationManager, name), name
    for name in (
        "load",
        "rescan",
        "get_extensions",
        "get_load_errors",
        "enable_extension",
        "disable_extension",
    ):
        assert hasattr(di.ExtensionManager, name), name
