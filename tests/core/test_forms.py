from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Literal

import pytest
from pydantic import Field, HttpUrl, SecretStr, model_validator

from desktop_integrations import (
    ConfigValidationError,
    Integration,
    IntegrationConfigForm,
    IntegrationManager,
    IntegrationRegistrationError,
)
from desktop_integrations.forms import BASIC_INFO_FIELDSET, get_fieldsets, secret_field_names


class Color(Enum):
    RED = "red"
    BLUE = "blue"


class EndpointForm(IntegrationConfigForm):
    endpoint_url: HttpUrl = Field(title="Endpoint URL")
    client_id: str = Field(title="Client ID", min_length=1)
    retries: int = Field(default=3, title="Retries", ge=0, le=10)
    color: Color = Color.RED
    mode: Literal["fast", "safe"] = "safe"
    token: SecretStr | None = None
    since: datetime | None = None

    class Meta:
        fieldsets = (
            ("Where To Post", {"fields": ("endpoint_url", "client_id"), "description": "Hi."}),
            ("Advanced", {"fields": ("retries",), "classes": ("collapse",)}),
        )


class EndpointIntegration(Integration):
    name = "Endpoint"
    default_settings = {"endpoint_url": "https://example.com/hook", "client_id": "abc123"}
    config_form_cls = EndpointForm


@pytest.fixture
def integration(manager: IntegrationManager) -> Integration:
    return manager.register_integration_class(EndpointIntegration)


def test_basic_info_comes_first_and_unlisted_fields_are_appended() -> None:
    fieldsets = get_fieldsets(EndpointForm)
    assert fieldsets[0] == BASIC_INFO_FIELDSET
    assert fieldsets[0].fields == ("name", "enabled")
    assert [f.title for f in fieldsets[1:3]] == ["Where To Post", "Advanced"]
    assert fieldsets[1].description == "Hi."
    assert fieldsets[2].collapsible
    assert fieldsets[-1].title is None
    assert fieldsets[-1].fields == ("color", "mode", "token", "since")


def test_default_fields_have_titles() -> None:
    fields = IntegrationConfigForm.model_fields
    assert fields["name"].title == "Name"
    assert fields["enabled"].title == "Enable this integration"
    assert fields["enabled"].default is True


@pytest.mark.parametrize(
    ("fieldsets", "message"),
    [
        (((None, {"fields": ("nope",)}),), "unknown field 'nope'"),
        ((("A", {"fields": ("x",)}), ("B", {"fields": ("x",)})), "'x' is listed more than once"),
        (((None, {"fields": ("name",)}),), "'name' is listed more than once"),
        (((None, {"fields": "x"}),), "must be a tuple of strings"),
        (((None, {"feilds": ("x",)}),), "unknown option(s) 'feilds'"),
        (((None,),), "must be a (title, options) pair"),
        ((("A", ["x"]),), "the options must be a dict"),
        ((None, {"fields": ("x",)}), "must be a (title, options) pair"),
        ("x", "must be a tuple of (title, options) pairs"),
        (((None, {"fields": ("x",), "description": 3}),), "the description must be a string"),
    ],
)
def test_bad_fieldsets_fail_registration_naming_class_and_field(
    manager: IntegrationManager, fieldsets: Any, message: str
) -> None:
    meta = type("Meta", (), {"fieldsets": fieldsets})
    namespace = {"__module__": __name__, "__annotations__": {"x": str}, "Meta": meta}
    form = type("BadForm", (IntegrationConfigForm,), namespace)
    cls = type("BadIntegration", (Integration,), {"name": "Bad", "config_form_cls": form})
    with pytest.raises(IntegrationRegistrationError) as info:
        manager.register_integration_class(cls)
    assert "BadIntegration" in str(info.value)
    assert "BadForm" in str(info.value)
    assert message in str(info.value)
    assert manager.get_integrations() == []


def test_secret_fields_are_found_through_optional() -> None:
    assert secret_field_names(EndpointForm) == {"token"}


def test_new_form_is_prefilled_from_default_settings_then_field_defaults(
    integration: Integration,
) -> None:
    form = integration.build_config_form()
    assert form.initial == {
        "name": "",
        "enabled": True,
        "endpoint_url": "https://example.com/hook",
        "client_id": "abc123",
        "retries": 3,
        "color": Color.RED,
        "mode": "safe",
        "token": None,
        "since": None,
    }


def test_initial_prefers_stored_settings(integration: Integration) -> None:
    config = integration.create_config(name="Mine", enabled=False, settings={"client_id": "xyz"})
    form = integration.build_config_form(config)
    assert form.initial["name"] == "Mine"
    assert form.initial["enabled"] is False
    assert form.initial["client_id"] == "xyz"
    assert form.initial["endpoint_url"] == "https://example.com/hook"


def test_invalid_data_gives_messages_per_field(integration: Integration) -> None:
    form = integration.build_config_form(
        data={"name": "   ", "endpoint_url": "not a url", "client_id": "", "retries": 11}
    )
    assert not form.is_valid()
    assert set(form.errors) == {"name", "endpoint_url", "client_id", "retries"}
    assert form.errors["name"] == ["Enter a name for this configuration."]
    assert "URL" in form.errors["endpoint_url"][0]
    assert form.errors["client_id"] == ["This field is required."]
    assert form.errors["retries"] == ["Enter 10 or less."]
    assert form.cleaned_data == {}
    with pytest.raises(ConfigValidationError) as info:
        form.save()
    assert "endpoint_url" in info.value.errors


def test_missing_required_field_says_so(manager: IntegrationManager) -> None:
    class NoDefaults(Integration):
        name = "No defaults"
        config_form_cls = EndpointForm

    integration = manager.register_integration_class(NoDefaults)
    form = integration.build_config_form(data={"name": "x"})
    assert form.errors["endpoint_url"] == ["This field is required."]


def test_form_level_errors_go_under_all(manager: IntegrationManager) -> None:
    class RangeForm(IntegrationConfigForm):
        low: int = 0
        high: int = 0

        @model_validator(mode="after")
        def _ordered(self) -> RangeForm:
            if self.low > self.high:
                raise ValueError("low must not exceed high")
            return self

    cls = type("Range", (Integration,), {"name": "Range", "config_form_cls": RangeForm})
    integration = manager.register_integration_class(cls)
    form = integration.build_config_form(data={"name": "r", "low": 5, "high": 1})
    assert list(form.errors) == ["__all__"]
    assert form.errors["__all__"] == ["Low must not exceed high."]


def test_a_validator_raising_an_unexpected_error_is_reported_not_raised(
    manager: IntegrationManager,
) -> None:
    class BuggyForm(IntegrationConfigForm):
        @model_validator(mode="after")
        def _buggy(self) -> BuggyForm:
            raise KeyError("oops")

    cls = type("Buggy", (Integration,), {"name": "Buggy", "config_form_cls": BuggyForm})
    form = manager.register_integration_class(cls).build_config_form(data={"name": "b"})
    assert not form.is_valid()
    assert "oops" in form.errors["__all__"][0]


def test_save_stores_name_enabled_and_json_settings(
    integration: Integration, manager: IntegrationManager
) -> None:
    form = integration.build_config_form(
        data={
            "name": " Team hook ",
            "enabled": False,
            "endpoint_url": "https://hooks.example.org/x",
            "retries": "5",
            "color": "blue",
            "token": "s3cret",
            "since": "2026-01-02T03:04:05+00:00",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["retries"] == 5
    config = form.save()
    assert config.id is not None
    assert config.name == "Team hook"
    assert config.enabled is False
    assert config.settings == {
        "endpoint_url": "https://hooks.example.org/x",
        "client_id": "abc123",
        "retries": 5,
        "color": "blue",
        "mode": "safe",
        "token": "s3cret",
        "since": "2026-01-02T03:04:05Z",
    }
    manager.clear_all_configs_cache()
    (reloaded,) = manager.get_integration_configs(integration)
    assert reloaded.settings == config.settings
    assert reloaded.get("token") == "s3cret"


def test_editing_keeps_settings_the_form_does_not_declare(integration: Integration) -> None:
    config = integration.create_config(name="a", settings={"legacy": 1, "client_id": "c"})
    config.save()
    form = integration.build_config_form(config, data={"client_id": "d"})
    assert form.save() is config
    assert config.settings["legacy"] == 1
    assert config.settings["client_id"] == "d"


def test_a_failed_save_leaves_the_configuration_as_it_was(
    integration: Integration, manager: IntegrationManager
) -> None:
    config = integration.create_config(name="before", settings={"client_id": "c"})
    config.save()
    other = manager.store.load_configs(manager, integration.id)[0]
    other.name = "elsewhere"
    other.save()
    form = integration.build_config_form(config, data={"name": "after", "client_id": "z"})
    with pytest.raises(Exception, match="changed by another window or process"):
        form.save()
    assert config.name == "before"
    assert config.settings == {"client_id": "c"}


def test_an_empty_required_field_is_reported_as_required(manager: IntegrationManager) -> None:
    class NoDefaults(Integration):
        name = "No defaults"
        config_form_cls = EndpointForm

    integration = manager.register_integration_class(NoDefaults)
    form = integration.build_config_form(data={"name": "", "endpoint_url": "", "client_id": ""})
    assert form.errors["name"] == ["This field is required."]
    assert form.errors["endpoint_url"] == ["This field is required."]
    assert form.errors["client_id"] == ["This field is required."]
    optional = integration.build_config_form(data={"name": "x", "endpoint_url": "", "retries": ""})
    assert optional.errors["retries"] == ["Enter a whole number, such as 3."]
