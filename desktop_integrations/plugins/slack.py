"""The Slack integration: posts every event to a channel through an incoming webhook."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import Field

from desktop_integrations import Extension, IntegrationHook, SecretUrl, __version__
from desktop_integrations.delivery import (
    DeliveryPool,
    Outcome,
    ServiceConfigForm,
    ServiceIntegration,
    service_fieldsets,
)
from desktop_integrations.delivery.formatting import COLORS, LABELS, escape_mrkdwn, truncate
from desktop_integrations.events import Event

#: The most characters of a footer, as Slack (and slack_sdk's models) allow.
FOOTER_LIMIT = 300
#: The most characters of a message's text; Slack cuts longer ones.
TEXT_LIMIT = 40_000
# Slack shows a field beside the next one when its value is at most this long.
_SHORT_FIELD = 40


def slack_payload(
    event: Event,
    channel: str = "",
    username: str = "",
    escape: Callable[[str], str] = escape_mrkdwn,
) -> dict[str, Any]:
    """Return an incoming-webhook payload: text plus an attachment.

    Args:
        event: The event.
        channel: The channel to post to instead of the webhook's own.
        username: The name to post under.
        escape: Makes event text literal in the service's markup.
    """
    title = escape(event.title)
    summary = truncate(f"{LABELS[event.level]}: {title}", TEXT_LIMIT)
    attachment: dict[str, Any] = {
        "fallback": summary,
        "color": COLORS[event.level],
        "title": truncate(title, TEXT_LIMIT),
        "text": truncate(escape(event.body), TEXT_LIMIT),
        "fields": [
            {
                "title": escape(name),
                "value": escape(value),
                "short": len(value) <= _SHORT_FIELD,
            }
            for name, value in event.fields.items()
        ],
        "footer": truncate(escape(event.kind), FOOTER_LIMIT),
        "ts": int(event.timestamp.timestamp()),
    }
    if event.url:
        attachment["title_link"] = event.url
    payload: dict[str, Any] = {"text": summary, "attachments": [attachment]}
    if channel:
        payload["channel"] = channel
    if username:
        payload["username"] = username
    return payload


class SlackConfigForm(ServiceConfigForm):
    """The incoming webhook and how messages appear."""

    webhook_url: SecretUrl = Field(
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

    def escape(self, text: str) -> str:
        """Return event text made literal in the service's markup (Slack's mrkdwn)."""
        return escape_mrkdwn(text)

    def send(self, settings: Mapping[str, Any], event: Event, pool: DeliveryPool) -> Outcome:
        """POST the incoming-webhook message."""
        payload = slack_payload(
            event, settings["channel"].strip(), settings["username"].strip(), self.escape
        )
        return pool.http.post_json(settings["webhook_url"].get_secret_value(), payload)


class SlackExtension(Extension):
    """Provides the Slack integration."""

    name = "Slack"
    version = __version__
    description = "Posts events to Slack channels."

    def initialize(self) -> None:
        """Register the integration."""
        IntegrationHook(self, SlackIntegration)
