"""Dependent fields: shown or enabled while another field has a value, else not validated."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from pydantic import Field, SecretStr

from desktop_integrations import (
    Integration,
    IntegrationConfigForm,
    IntegrationManager,
    IntegrationRegistrationError,
    RequiredText,
    enabled_when,
    visible_when,
)
from desktop_integrations.field_rules import FieldRule
from desktop_integrations.fields import ui_fields


class ProxyForm(IntegrationConfigForm):
    use_proxy: bool = Field(default=False, title="Use a proxy")
    proxy_host: RequiredText = Field(default="", json_schema_extra=visible_when("use_proxy"))
    proxy_password: SecretStr = Field(
        default=SecretStr(""), json_schema_extra=visible_when("use_proxy")
    )
    mode: Literal["plain", "signed", "custom"] = "plain"
    key: RequiredText = Field(
        default="", json_schema_extra=enabled_when("mode", "signed", "custom")
    )
    script: str = Field(
        default="", max_length=5, json_schema_extra={"widget": "textarea", **visible_when("key")}
    )


class Proxy(Integration):
    name = "Proxy"
    config_form_cls = ProxyForm


@pytest.fixture
def proxy(manager: IntegrationManager) -> Integration:
    return manager.register_integration_class(Proxy)


def test_a_hidden_field_is_not_validated_and_takes_its_default(proxy: Integration) -> None:
    form = proxy.build_config_form(data={"name": "p", "proxy_host": "   ", "script": "x" * 50})

    assert form.inactive_fields == {"proxy_host", "proxy_password", "key", "script"}
    assert form.is_valid(), form.errors
    assert form.cleaned_data["proxy_host"] == ""
    assert form.cleaned_data["script"] == ""


def test_a_shown_field_is_validated(proxy: Integration) -> None:
    form = proxy.build_config_form(
        data={"name": "p", "use_proxy": True, "proxy_host": " ", "mode": "custom", "key": ""}
    )

    assert form.inactive_fields == {"script"}
    assert form.errors == {
        "proxy_host": ["This field is required."],
        "key": ["This field is required."],
    }


def test_a_rule_on_a_dependent_field_follows_the_chain(proxy: Integration) -> None:
    # script depends on key, which is disabled while the mode is plain.
    off = proxy.build_config_form(data={"name": "p", "mode": "plain", "key": "k"})
    on = proxy.build_config_form(
        data={"name": "p", "mode": "signed", "key": "k", "script": "longer"}
    )

    assert "script" in off.inactive_fields
    assert on.errors == {"script": ["Use at most 5 characters."]}


def test_saving_keeps_what_was_stored_for_a_hidden_field(
    proxy: Integration, manager: IntegrationManager
) -> None:
    config = proxy.build_config_form(
        data={"name": "p", "use_proxy": True, "proxy_host": "proxy.lan", "proxy_password": "pw"}
    ).save()

    proxy.build_config_form(config, data={"use_proxy": False}).save()

    assert config.settings["use_proxy"] is False
    assert config.settings["proxy_host"] == "proxy.lan"
    assert proxy.build_config_form(config).cleaned_data["proxy_host"] == ""
    manager.clear_all_configs_cache()
    (reloaded,) = manager.get_integration_configs(proxy)
    assert reloaded.get("proxy_password") == "pw"  # still a secret, still encrypted


def test_the_ui_description_carries_the_rule_and_drops_it_from_extra() -> None:
    fields = ui_fields(ProxyForm)

    assert fields["proxy_host"].rule == FieldRule("use_proxy", (), "show")
    assert fields["key"].rule == FieldRule(
        "key" if False else "mode", ("signed", "custom"), "enable"
    )
    assert fields["script"].kind == "text"
    assert fields["script"].extra == {}
    assert fields["mode"].rule is None


@pytest.mark.parametrize(
    ("annotation", "field", "message"),
    [
        (str, Field(json_schema_extra=visible_when("missing")), "depends on 'missing'"),
        (str, Field(json_schema_extra=visible_when("x")), "depends on 'x'"),
        (str, Field(json_schema_extra=visible_when("flag")), "needs a default"),
        (str, Field("", json_schema_extra={"visible_when": "flag"}), "visible_when must be"),
        (
            str,
            Field("", json_schema_extra={**visible_when("flag"), **enabled_when("flag")}),
            "not both",
        ),
    ],
)
def test_a_malformed_rule_fails_registration_naming_the_field(
    manager: IntegrationManager, annotation: Any, field: Any, message: str
) -> None:
    namespace = {
        "__module__": __name__,
        "__annotations__": {"flag": bool, "x": annotation},
        "flag": False,
        "x": field,
    }
    form = type("RuleForm", (IntegrationConfigForm,), namespace)
    cls = type("Ruled", (Integration,), {"name": "Ruled", "config_form_cls": form})

    with pytest.raises(IntegrationRegistrationError) as caught:
        manager.register_integration_class(cls)

    assert "RuleForm.x" in str(caught.value)
    assert message in str(caught.value)


def test_rules_that_go_round_in_a_circle_are_refused(manager: IntegrationManager) -> None:
    class Circle(IntegrationConfigForm):
        a: str = Field("", json_schema_extra=visible_when("b"))
        b: str = Field("", json_schema_extra=visible_when("a"))

    cls = type("Circular", (Integration,), {"name": "Circular", "config_form_cls": Circle})
    with pytest.raises(IntegrationRegistrationError, match="round in a circle"):
        manager.register_integration_class(cls)
