"""The Mattermost integration: posts every event to a channel through an incoming webhook.

Mattermost reads Slack's incoming-webhook messages, so this builds on the Slack
integration and changes only what a Mattermost user reads, and the escaping:
Mattermost renders Markdown where Slack reads mrkdwn.
"""

from __future__ import annotations

from pydantic import Field

from desktop_integrations import Extension, IntegrationHook, SecretUrl, __version__
from desktop_integrations.delivery import service_fieldsets
from desktop_integrations.delivery.formatting import escape_markdown
from desktop_integrations.plugins.slack import SlackConfigForm, SlackIntegration


class MattermostConfigForm(SlackConfigForm):
    """The incoming webhook and how messages appear."""

    webhook_url: SecretUrl = Field(
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

    class Meta:
        """Fieldsets."""

        fieldsets = service_fieldsets(
            ("webhook_url", "channel", "username"),
            "The Mattermost incoming webhook that receives the messages.",
        )


class MattermostIntegration(SlackIntegration):
    """Posts every event to Mattermost, in Slack's message format."""

    integration_id = "builtin.mattermost"
    name = "Mattermost"
    description = "Posts events to a Mattermost channel."
    config_form_cls = MattermostConfigForm
    icon_name = "mattermost"

    def escape(self, text: str) -> str:
        """Return event text made literal in Mattermost's Markdown."""
        return escape_markdown(text)


class MattermostExtension(Extension):
    """Provides the Mattermost integration."""

    name = "Mattermost"
    version = __version__
    description = "Posts events to Mattermost channels."

    def initialize(self) -> None:
        """Register the integration."""
        IntegrationHook(self, MattermostIntegration)
