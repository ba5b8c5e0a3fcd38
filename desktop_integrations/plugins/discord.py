"""The Discord integration: posts every event to a channel through a webhook."""

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
from desktop_integrations.delivery.formatting import COLORS, LABELS, escape_markdown, truncate
from desktop_integrations.events import Event

# Discord's documented limits; a message over any of them is refused whole.
TITLE_LIMIT, DESCRIPTION_LIMIT, FOOTER_LIMIT, CONTENT_LIMIT = 256, 4096, 2048, 2000
FIELDS_LIMIT, FIELD_NAME_LIMIT, FIELD_VALUE_LIMIT = 25, 256, 1024
#: The most characters of an embed's title, description, field names and
#: values and footer together.
EMBED_LIMIT = 6000
# The room always left to a long description, however many fields there are.
_DESCRIPTION_SHARE = 1024


def _more_field(left_out: int) -> dict[str, Any]:
    """Return the last field, saying how many fields did not fit."""
    value = f"{left_out} more field{'s' if left_out > 1 else ''} left out"
    return {"name": "…", "value": value, "inline": False}


def _size(field: dict[str, Any]) -> int:
    return len(field["name"]) + len(field["value"])


def _fit_fields(fields: list[dict[str, Any]], room: int) -> list[dict[str, Any]]:
    """Return the fields that fit in ``room`` characters and in the count limit.

    When some do not fit, the last field says how many were left out.
    """
    kept: list[dict[str, Any]] = []
    used = 0
    for field in fields:
        if len(kept) == FIELDS_LIMIT or used + _size(field) > room:
            break
        kept.append(field)
        used += _size(field)
    while len(kept) < len(fields):
        more = _more_field(len(fields) - len(kept))
        if len(kept) < FIELDS_LIMIT and used + _size(more) <= room:
            return [*kept, more]
        if not kept:
            return []
        used -= _size(kept.pop())
    return kept


def discord_payload(event: Event, username: str = "") -> dict[str, Any]:
    """Return a Discord webhook payload: content plus an embed, within every limit.

    Every text that is cut ends with ``…``, and a last field says how many
    fields were left out.
    """
    title = truncate(escape_markdown(event.title), TITLE_LIMIT)
    footer = truncate(event.kind, FOOTER_LIMIT)
    fields = [
        {
            "name": truncate(escape_markdown(name), FIELD_NAME_LIMIT) or "-",
            "value": truncate(escape_markdown(value), FIELD_VALUE_LIMIT) or "-",
            "inline": True,
        }
        for name, value in event.fields.items()
    ]
    room = EMBED_LIMIT - len(title) - len(footer)
    body = escape_markdown(event.body)
    # The fields come first, short as they are, leaving the description at
    # least a part of the room.
    fields = _fit_fields(fields, room - min(len(body), _DESCRIPTION_SHARE))
    description = truncate(body, min(DESCRIPTION_LIMIT, room - sum(map(_size, fields))))
    embed: dict[str, Any] = {
        "title": title,
        "description": description,
        "color": int(COLORS[event.level].lstrip("#"), 16),
        "fields": fields,
        "footer": {"text": footer},
        "timestamp": event.timestamp.isoformat(),
    }
    if event.url:
        embed["url"] = event.url
    payload: dict[str, Any] = {
        "content": truncate(
            f"{LABELS[event.level]}: {escape_markdown(event.title)}", CONTENT_LIMIT
        ),
        "embeds": [embed],
        # Text from events must never ping @everyone or roles.
        "allowed_mentions": {"parse": []},
    }
    if username:
        payload["username"] = username
    return payload


class DiscordConfigForm(ServiceConfigForm):
    """The channel webhook and how messages appear."""

    webhook_url: SecretUrl = Field(
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
        return pool.http.post_json(settings["webhook_url"].get_secret_value(), payload)


class DiscordExtension(Extension):
    """Provides the Discord integration."""

    name = "Discord"
    version = __version__
    description = "Posts events to Discord channels."

    def initialize(self) -> None:
        """Register the integration."""
        IntegrationHook(self, DiscordIntegration)
