"""The seed guide's example integration, end to end."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from blinker import Signal
from pydantic import Field, HttpUrl

from desktop_integrations import (
    Integration,
    IntegrationConfigForm,
    IntegrationManager,
    SignalHook,
    static,
)

my_signal = Signal()
delivered: list[tuple[str, str, str]] = []


class MyIntegrationConfigForm(IntegrationConfigForm):
    endpoint_url: HttpUrl = Field(title="Endpoint URL")
    client_id: str = Field(title="Client ID", min_length=1)

    class Meta:
        fieldsets = (
            (
                None,
                {
                    "description": "Some useful instructions for the integration.",
                    "fields": ("endpoint_url", "client_id"),
                },
            ),
        )


class MyIntegration(Integration):
    name = "My Integration"
    description = "This is my special integration that does stuff."
    default_settings = {"endpoint_url": "https://example.com/endpoint/", "client_id": "abc123"}
    config_form_cls = MyIntegrationConfigForm

    @cached_property
    def icon_static_urls(self) -> dict[str, str]:  # type: ignore[override]
        return {"1x": static("my-integration.png"), "2x": static("my-integration@2x.png")}

    def initialize(self) -> None:
        SignalHook(self, my_signal, self._on_my_signal)

    def _on_my_signal(self, sender: object, **kwargs: Any) -> None:
        for config in self.get_configs():
            delivered.append((config.name, config.get("endpoint_url"), kwargs["message"]))


def test_the_seed_example_end_to_end(manager: IntegrationManager) -> None:
    delivered.clear()
    integration = manager.register_integration_class(MyIntegration)
    assert integration.id == f"{__name__}.MyIntegration"
    assert Path(integration.icon_static_urls["2x"]).name == "my-integration@2x.png"
    assert Path(integration.icon_static_urls["1x"]).parent.name == "icons"

    form = integration.build_config_form(data={"name": "Team A"})
    assert form.initial["client_id"] == "abc123"
    assert form.fieldsets[1].description == "Some useful instructions for the integration."
    team_a = form.save()
    integration.build_config_form(
        data={"name": "Team B", "endpoint_url": "https://b.example.com/hook"}
    ).save()
    integration.create_config(save=True, name="Paused", enabled=False)
    assert integration.enabled

    my_signal.send("host", message="deployed")
    assert delivered == [
        ("Team A", "https://example.com/endpoint/", "deployed"),
        ("Team B", "https://b.example.com/hook", "deployed"),
    ]

    delivered.clear()
    for config in manager.get_integration_configs(MyIntegration):
        if config.enabled:
            config.delete()
    assert not integration.enabled
    my_signal.send("host", message="ignored")
    assert delivered == []
    assert str(team_a) == "Team A (My Integration)"
