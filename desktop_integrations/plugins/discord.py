"""The Discord integration: posts every event to a channel through a webhook."""

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
from desktop_integrations.delivery.payloads import discord_payload
from desktop_integrations.events import Event


class DiscordConfigForm(ServiceConfigForm):
    """The channel webhook and how messages appear."""

    webhook_url: HttpUrl = Field(
        title="Webhook URL",
        description="The channel's webhook URL, from Edit Channel > Integrations > "
        "Webhooks > Copy Webhook URL (https://discord.com/api/webhooks/...).",
    )
    username: str = Field(
        default="",
        title="Post as",
        description="Optional. The name messages are posted under, instead of the "
        "webhook's own name.",
        max_length=80,
    )

    class Meta:
        """Fieldsets."""

        fieldsets = service_fieldsets(
            ("webhook_url", "username"),
            "The Discord webhook that receives the messages.",
        )


class DiscordIntegration(ServiceIntegration):
    """Posts every event to Discord: a line of text and a coloured embed."""

    integration_id = "builtin.discord"
    name = "Discord"
    description = "Posts events to a Discord channel."
    config_form_cls = DiscordConfigForm
    icon_name = "discord"

    def send(self, settings: Mapping[str, Any], event: Event, pool: DeliveryPool) -> Outcome:
        """POST the webhook message."""
        payload = discord_payload(event, settings["username"].strip())
        return pool.http.post_json(str(settings["webhook_url"]), payload)


class DiscordExtension(Extension):
    """Provides the Discord integration."""

    name = "Discord"
    version = __version__
    description = "Posts events to Discord channels."

    def initialize(self) -> None:
        """Register the integration."""
        IntegrationHook(self, DiscordIntegration)
