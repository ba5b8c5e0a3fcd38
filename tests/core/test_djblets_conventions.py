"""Conventions kept from Djblets' integrations framework, as its own tests expect them."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import Field, PlainSerializer, SecretStr, field_serializer, field_validator

from desktop_integrations import (
    ConfigStore,
    Integration,
    IntegrationConfigForm,
    IntegrationManager,
    IntegrationRegistrationError,
    RequiredText,
)
from desktop_integrations.fields import ui_fields


class Counting(Integration):
    name = "Counting"
    initialized = 0

    def initialize(self) -> None:
        type(self).initialized += 1


@pytest.fixture
def counting(manager: IntegrationManager) -> Integration:
    Counting.initialized = 0
    return manager.register_integration_class(Counting)


def test_create_config_makes_a_disabled_configuration(
    counting: Integration, manager: IntegrationManager
) -> None:
    config = counting.create_config(name="From code", save=True)

    assert config.enabled is False
    assert counting.enabled is False
    assert Counting.initialized == 0
    assert counting.get_configs() == []
    assert manager.get_integration_configs(counting) == [config]


def test_create_config_with_enabled_true_starts_the_integration(counting: Integration) -> None:
    config = counting.create_config(name="On", enabled=True, save=True)

    assert config.enabled is True
    assert counting.enabled is True
    assert Counting.initialized == 1


def test_the_forms_check_box_still_starts_on(counting: Integration) -> None:
    form = counting.build_config_form()
    assert form.initial["enabled"] is True

    config = counting.build_config_form(data={"name": "Typed in"}).save()

    assert config.enabled is True
    assert counting.enabled is True


def test_integration_id_none_means_not_set(manager: IntegrationManager) -> None:
    class Unnamed(Integration):
        integration_id = None
        name = "Unnamed"

    integration = manager.register_integration_class(Unnamed)

    assert integration.id == f"{__name__}.Unnamed"
    assert Unnamed.integration_id == integration.id


def test_a_raising_constructor_is_a_registration_error_and_leaves_the_class_alone(
    manager: IntegrationManager,
) -> None:
    class Fragile(Integration):
        name = "Fragile"

        def __init__(self, integration_mgr: IntegrationManager) -> None:
            super().__init__(integration_mgr)
            raise RuntimeError("no service library")

    with pytest.raises(IntegrationRegistrationError) as info:
        manager.register_integration_class(Fragile)

    assert "Fragile" in str(info.value)
    assert "no service library" in str(info.value)
    assert "integration_id" not in Fragile.__dict__
    assert manager.get_integrations() == []

    del Fragile.__init__
    assert manager.register_integration_class(Fragile).id == f"{__name__}.Fragile"


def test_a_raising_constructor_keeps_a_hand_set_id(manager: IntegrationManager) -> None:
    class Fragile(Integration):
        integration_id = "acme.fragile"
        name = "Fragile"

        def __init__(self, integration_mgr: IntegrationManager) -> None:
            raise ValueError("broken")

    with pytest.raises(IntegrationRegistrationError, match="Fragile"):
        manager.register_integration_class(Fragile)
    assert Fragile.integration_id == "acme.fragile"


def test_after_shutdown_saving_an_enabled_config_does_not_restart_it(
    counting: Integration, manager: IntegrationManager, store: ConfigStore
) -> None:
    config = counting.create_config(name="On", enabled=True, save=True)
    assert counting.enabled
    manager.shutdown()
    assert not counting.enabled

    config.name = "Renamed on the way out"
    config.save()
    counting.create_config(name="Another", enabled=True, save=True)

    assert not counting.enabled
    assert Counting.initialized == 1
    fresh = IntegrationManager(store)
    assert sorted(c.name for c in fresh.get_integration_configs()) == [
        "Another",
        "Renamed on the way out",
    ]


# Serializers -------------------------------------------------------------


class TagsForm(IntegrationConfigForm):
    tags: list[str] = Field(default_factory=list, title="Tags")
    port: Annotated[int, PlainSerializer(lambda v: f"port {v}", return_type=str)] = 80
    token: SecretStr = SecretStr("")

    @field_serializer("tags")
    def _join(self, tags: list[str]) -> str:
        return ",".join(tags)

    @field_validator("tags", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return value.split(",") if isinstance(value, str) else value

    @field_validator("port", mode="before")
    @classmethod
    def _port(cls, value: Any) -> Any:
        return value.removeprefix("port ") if isinstance(value, str) else value


class Tagging(Integration):
    name = "Tagging"
    config_form_cls = TagsForm


def test_save_stores_what_the_forms_serializers_make(manager: IntegrationManager) -> None:
    tagging = manager.register_integration_class(Tagging)
    form = tagging.build_config_form(
        data={"name": "t", "tags": ["a", "b"], "port": 8080, "token": "s3cret"}
    )

    config = form.save()

    assert config.settings == {"tags": "a,b", "port": "port 8080", "token": "s3cret"}
    manager.clear_all_configs_cache()
    (reloaded,) = manager.get_integration_configs(tagging)
    assert reloaded.settings["tags"] == "a,b"
    assert reloaded.get("token") == "s3cret"


def test_a_before_validator_turns_the_stored_value_back(manager: IntegrationManager) -> None:
    tagging = manager.register_integration_class(Tagging)
    config = tagging.build_config_form(data={"name": "t", "tags": ["a", "b"], "port": 81}).save()
    manager.clear_all_configs_cache()
    (reloaded,) = manager.get_integration_configs(tagging)

    form = tagging.build_config_form(reloaded)

    assert form.cleaned_data["tags"] == ["a", "b"]
    assert form.cleaned_data["port"] == 81
    # The dialog's widgets get the list back, not the stored text.
    assert form.widget_values()["tags"] == ["a", "b"]
    assert form.widget_values()["port"] == 81
    assert config.settings["port"] == "port 81"


# The required-text type ------------------------------------------------------


class ClientForm(IntegrationConfigForm):
    client_id: RequiredText = Field(title="Client ID")
    team: RequiredText = Field(default="ops", title="Team")


class Client(Integration):
    name = "Client"
    config_form_cls = ClientForm


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_required_text_refuses_empty_and_whitespace(
    manager: IntegrationManager, blank: str
) -> None:
    client = manager.register_integration_class(Client)

    form = client.build_config_form(data={"name": "c", "client_id": blank, "team": blank})

    assert form.errors == {
        "client_id": ["This field is required."],
        "team": ["This field is required."],
    }


def test_required_text_is_stripped_and_shown_as_required(manager: IntegrationManager) -> None:
    client = manager.register_integration_class(Client)

    config = client.build_config_form(data={"name": "c", "client_id": "  abc  "}).save()

    assert config.settings == {"client_id": "abc", "team": "ops"}
    fields = ui_fields(ClientForm)
    assert fields["client_id"].required
    assert fields["team"].required  # it has a default, and still refuses blanks
