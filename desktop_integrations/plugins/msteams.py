"""The Microsoft Teams integration: posts every event as an Adaptive Card."""

from __future__ import annotations

from collections.abc import Mapping
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
from desktop_integrations.delivery.formatting import LABELS, escape_markdown
from desktop_integrations.events import Event

# Adaptive Card text colours by level.
_CARD_COLORS = {"info": "Accent", "success": "Good", "warning": "Warning", "error": "Attention"}


def teams_payload(event: Event) -> dict[str, Any]:
    """Return a Microsoft Teams message holding an Adaptive Card.

    Adaptive Cards work with both Teams workflow webhooks and the older
    connector webhooks, which is why they are used rather than MessageCards.
    Teams reads a card's texts as Markdown, so the event's are escaped.
    """
    esc = escape_markdown
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": esc(event.title),
            "weight": "Bolder",
            "size": "Medium",
            "color": _CARD_COLORS[event.level],
            "wrap": True,
        },
    ]
    if event.body:
        body.append({"type": "TextBlock", "text": esc(event.body), "wrap": True})
    facts = [{"title": esc(name), "value": esc(value)} for name, value in event.fields.items()]
    facts.append({"title": "Level", "value": LABELS[event.level]})
    body.append({"type": "FactSet", "facts": facts})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if event.url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open", "url": event.url}]
    return {
        "type": "message",
        "summary": event.title,
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            },
        ],
    }


class TeamsConfigForm(ServiceConfigForm):
    """The channel's webhook."""

    webhook_url: SecretUrl = Field(
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
        return pool.http.post_json(settings["webhook_url"].get_secret_value(), teams_payload(event))


class TeamsExtension(Extension):
    """Provides the Microsoft Teams integration."""

    name = "Microsoft Teams"
    version = __version__
    description = "Posts events to Microsoft Teams channels."

    def initialize(self) -> None:
        """Register the integration."""
        IntegrationHook(self, TeamsIntegration)
