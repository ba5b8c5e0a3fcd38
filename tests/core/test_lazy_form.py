"""Forms declared with LazyConfigForm are built, and checked, on first use."""

from __future__ import annotations

import pytest
from pydantic import Field

from desktop_integrations import (
    Integration,
    IntegrationConfigForm,
    IntegrationManager,
    IntegrationRegistrationError,
)
from desktop_integrations.lazy_form import LazyConfigForm


class GoodForm(IntegrationConfigForm):
    token: str = Field(default="", title="Token")


class BrokenForm(IntegrationConfigForm):
    token: str = Field(default="", title="Token")

    class Meta:
        fieldsets = (("Where", {"fields": ("tokn",)}),)


def test_the_form_is_built_on_first_use_only(manager: IntegrationManager) -> None:
    built: list[str] = []

    def build() -> type[IntegrationConfigForm]:
        built.append("form")
        return GoodForm

    class Lazy(Integration):
        integration_id = "tests.lazy"
        name = "Lazy"
        config_form_cls = LazyConfigForm(build)  # type: ignore[assignment]

    integration = manager.register_integration_class(Lazy)
    assert built == []
    form = integration.build_config_form(data={"name": "x", "token": "t"})
    assert form.is_valid() and form.cleaned_data["token"] == "t"
    integration.build_config_form()
    assert built == ["form"]


def test_a_broken_lazy_form_raises_the_registration_error_when_built(
    manager: IntegrationManager,
) -> None:
    class Eager(Integration):
        integration_id = "tests.eager"
        name = "Eager"
        config_form_cls = BrokenForm

    with pytest.raises(IntegrationRegistrationError) as eager:
        manager.register_integration_class(Eager)

    class Lazy(Integration):
        integration_id = "tests.eager"
        name = "Eager"
        config_form_cls = LazyConfigForm(lambda: BrokenForm)  # type: ignore[assignment]

    Lazy.__qualname__ = Eager.__qualname__
    integration = manager.register_integration_class(Lazy)
    for _ in range(2):
        with pytest.raises(IntegrationRegistrationError) as lazy:
            integration.build_config_form()
        assert str(lazy.value) == str(eager.value)
        assert "unknown field 'tokn'" in str(lazy.value)
