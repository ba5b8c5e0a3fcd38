"""My Integration: an example plugin that posts every event to an HTTP endpoint.

Copy this folder into your plugins folder and rescan the plugins (or restart
the app): "My Integration" appears in the list of integrations.
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import Any

import httpx
from pydantic import Field, HttpUrl

from desktop_integrations import (
    Extension,
    Integration,
    IntegrationConfigForm,
    IntegrationHook,
    SignalHook,
)
from desktop_integrations.events import Event, event_occurred

logger = logging.getLogger(__name__)


class MyIntegrationConfigForm(IntegrationConfigForm):
    """The settings of one configuration of My Integration."""

    endpoint_url: HttpUrl = Field(title="Endpoint URL")
    client_id: str = Field(title="Client ID", min_length=1)

    class Meta:
        """How the configuration dialog groups the fields."""

        fieldsets = (
            (
                None,
                {
                    "description": (
                        "Some useful instructions for the integration. This is a good "
                        "place to tell them what info to gather from another service."
                    ),
                    "fields": ("endpoint_url", "client_id"),
                },
            ),
        )


class MyIntegration(Integration):
    """Posts each event, as JSON, to the endpoint of every enabled configuration."""

    name = "My Integration"
    description = "This is my special integration that does stuff."
    default_settings = {
        "endpoint_url": "https://example.com/endpoint/",
        "client_id": "abc123",
    }
    config_form_cls = MyIntegrationConfigForm

    @cached_property
    def icon_static_urls(self) -> dict[str, str]:
        """The icons, from this plugin's own ``icons`` folder."""
        return {
            "1x": MyExtension.get_static_url("icons/my-integration.png"),
            "2x": MyExtension.get_static_url("icons/my-integration@2x.png"),
        }

    def initialize(self) -> None:
        """Start listening to events."""
        SignalHook(self, event_occurred, self._on_event)

    def _on_event(self, sender: Any, event: Event, **kwargs: Any) -> None:
        for config in self.get_configs():
            payload = {
                "client_id": config.get("client_id"),
                "title": event.title,
                "body": event.body,
                "level": event.level,
            }
            try:
                response = httpx.post(config.get("endpoint_url"), json=payload, timeout=10)
                response.raise_for_status()
            except httpx.HTTPError as e:
                logger.warning("%s could not post the event: %s", config, e)


class MyExtension(Extension):
    """Registers My Integration while the plugin is enabled."""

    name = "My Extension"
    version = "1.0"
    description = "Adds My Integration."

    def initialize(self) -> None:
        """Register the integration."""
        IntegrationHook(self, MyIntegration)
