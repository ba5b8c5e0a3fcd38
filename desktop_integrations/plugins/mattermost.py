"""The Mattermost integration: posts every event to a channel through an incoming webhook."""

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
from desktop_integrations.delivery.payloads import slack_payload
from desktop_integrations.events import Event


class MattermostConfigForm(ServiceConfigForm):
    """The incoming webhook and how messages appear."""

    webhook_url: HttpUrl = Field(
        title="Webhook URL",
        description="The incoming webhook URL Mattermost gave you under Integrations > "
        "Incoming Webhooks (https://mattermost.example.com/hooks/...).",
    )
    channel: str = Field(
        default="",
        title="Send to channel",
        description="Optional. A channel name such as town-square, instead of "
        "the webhook's own channel.",
    )
    username: str = Field(
        default="",
        title="Post as",
        description="Optional. The name messages are posted under.",
    )

    class Meta:
        """Fieldsets."""

        fieldsets = service_fieldsets(
            ("webhook_url", "channel", "username"),
            "The Mattermost incoming webhook that receives the messages.",
        )


class MattermostIntegration(ServiceIntegration):
    """Posts every event to Mattermost, which reads Slack's message format."""

    integration_id = "builtin.mattermost"
    name = "Mattermost"
    description = "Posts events to a Mattermost channel."
    config_form_cls = MattermostConfigForm
    icon_name = "mattermost"

    def send(self, settings: Mapping[str, Any], event: Event, pool: DeliveryPool) -> Outcome:
        """POST the incoming-webhook message."""
        payload = slack_payload(event, settings["channel"].strip(), settings["username"].strip())
        return pool.http.post_json(str(settings["webhook_url"]), payload)


class MattermostExtension(Extension):
    """Provides the Mattermost integration."""

    name = "Mattermost"
    version = __version__
    description = "Posts events to Mattermost channels."

    def initialize(self) -> None:
        """Register the integration."""
        IntegrationHook(self, MattermostIntegration)
