"""The Microsoft Teams integration: posts every event as an Adaptive Card."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, HttpUrl

from desktop_integrations import Extension, IntegrationHook, __version__
from desktop_integrations.delivery import (
    DeliveryPool,
    Outcome,
    ServiceConfigForm,
    ServiceIntegration,
    service_fieldsets,
)
from desktop_integrations.delivery.payloads import teams_payload
from desktop_integrations.events import Event


class TeamsConfigForm(ServiceConfigForm):
    """The channel's webhook."""

    webhook_url: HttpUrl = Field(
        title="Webhook URL",
        description="The URL of a Teams workflow started by 'When a Teams webhook request "
        "is received' (Workflows app > Post to a channel when a webhook request is "
        "received), or of an incoming-webhook connector.",
    )

    class Meta:
        """Fieldsets."""

        fieldsets = service_fieldsets(
            ("webhook_url",),
            "The Teams webhook that receives the cards.",
        )


class TeamsIntegration(ServiceIntegration):
    """Posts every event to a Microsoft Teams channel as an Adaptive Card."""

    integration_id = "builtin.msteams"
    name = "Microsoft Teams"
    description = "Posts events to a Microsoft Teams channel."
    config_form_cls = TeamsConfigForm
    icon_name = "msteams"

    def send(self, settings: Mapping[str, Any], event: Event, pool: DeliveryPool) -> Outcome:
        """POST the card."""
        return pool.http.post_json(str(settings["webhook_url"]), teams_payload(event))


class TeamsExtension(Extension):
    """Provides the Microsoft Teams integration."""

    name = "Microsoft Teams"
    version = __version__
    description = "Posts events to Microsoft Teams channels."

    def initialize(self) -> None:
        """Register the integration."""
        IntegrationHook(self, TeamsIntegration)
