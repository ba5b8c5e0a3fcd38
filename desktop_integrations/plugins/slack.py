"""The Slack integration: posts every event to a channel through an incoming webhook."""

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


class SlackConfigForm(ServiceConfigForm):
    """The incoming webhook and how messages appear."""

    webhook_url: HttpUrl = Field(
        title="Webhook URL",
        description="The incoming webhook URL Slack gave you when you added the "
        "Incoming WebHooks app to a channel (https://hooks.slack.com/services/...).",
    )
    channel: str = Field(
        default="",
        title="Send to channel",
        description="Optional. A channel such as #builds, or @someone for a direct "
        "message, instead of the webhook's own channel.",
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
            "The Slack incoming webhook that receives the messages.",
        )


class SlackIntegration(ServiceIntegration):
    """Posts every event to Slack: a line of text and a coloured attachment."""

    integration_id = "builtin.slack"
    name = "Slack"
    description = "Posts events to a Slack channel."
    config_form_cls = SlackConfigForm
    icon_name = "slack"

    def send(self, settings: Mapping[str, Any], event: Event, pool: DeliveryPool) -> Outcome:
        """POST the incoming-webhook message."""
        payload = slack_payload(event, settings["channel"].strip(), settings["username"].strip())
        return pool.http.post_json(str(settings["webhook_url"]), payload)


class SlackExtension(Extension):
    """Provides the Slack integration."""

    name = "Slack"
    version = __version__
    description = "Posts events to Slack channels."

    def initialize(self) -> None:
        """Register the integration."""
        IntegrationHook(self, SlackIntegration)
