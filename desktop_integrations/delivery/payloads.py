"""What each service receives: payloads built from an event.

The formats follow each service's documented incoming-webhook or API format,
in the way Review Board's rbintegrations posts to them: a short text, then a
rich block (attachment, embed, card) with the title, link, details, fields
and a colour for the level.
"""

from __future__ import annotations

import html
from email.message import EmailMessage
from typing import Any

from desktop_integrations.events import Event

#: Colours by level, as ``#rrggbb``.
COLORS = {"info": "#3b82f6", "success": "#22a06b", "warning": "#e2a400", "error": "#d93025"}
#: How each level reads in a message.
LABELS = {"info": "Info", "success": "Success", "warning": "Warning", "error": "Error"}
# Adaptive Card text colours by level.
_CARD_COLORS = {"info": "Accent", "success": "Good", "warning": "Warning", "error": "Attention"}
# Discord's documented limits; longer values make it refuse the whole message.
_DISCORD_TITLE, _DISCORD_TEXT, _DISCORD_FIELDS = 256, 4096, 25
# Slack shows a field beside the next one when its value is at most this long.
_SHORT_FIELD = 40


def event_document(event: Event) -> dict[str, Any]:
    """Return the event as a JSON-compatible dict (the webhook body, a log line)."""
    return {
        "kind": event.kind,
        "title": event.title,
        "body": event.body,
        "url": event.url,
        "fields": dict(event.fields),
        "level": event.level,
        "timestamp": event.timestamp.isoformat(),
    }


def _slack_escape(text: str) -> str:
    # Slack's mrkdwn reads these three as markup; everything else is literal.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(event: Event, channel: str = "", username: str = "") -> dict[str, Any]:
    """Return a Slack (or Mattermost) incoming-webhook payload: text plus an attachment."""
    title = _slack_escape(event.title)
    attachment: dict[str, Any] = {
        "fallback": f"{LABELS[event.level]}: {title}",
        "color": COLORS[event.level],
        "title": title,
        "text": _slack_escape(event.body),
        "fields": [
            {
                "title": _slack_escape(name),
                "value": _slack_escape(value),
                "short": len(value) <= _SHORT_FIELD,
            }
            for name, value in event.fields.items()
        ],
        "footer": _slack_escape(event.kind),
        "ts": int(event.timestamp.timestamp()),
    }
    if event.url:
        attachment["title_link"] = event.url
    payload: dict[str, Any] = {
        "text": f"{LABELS[event.level]}: {title}",
        "attachments": [attachment],
    }
    if channel:
        payload["channel"] = channel
    if username:
        payload["username"] = username
    return payload


def discord_payload(event: Event, username: str = "") -> dict[str, Any]:
    """Return a Discord webhook payload: content plus an embed."""
    embed: dict[str, Any] = {
        "title": event.title[:_DISCORD_TITLE],
        "description": event.body[:_DISCORD_TEXT],
        "color": int(COLORS[event.level].lstrip("#"), 16),
        "fields": [
            {"name": name[:_DISCORD_TITLE], "value": value[:1024] or "-", "inline": True}
            for name, value in list(event.fields.items())[:_DISCORD_FIELDS]
        ],
        "footer": {"text": event.kind},
        "timestamp": event.timestamp.isoformat(),
    }
    if event.url:
        embed["url"] = event.url
    payload: dict[str, Any] = {
        "content": f"{LABELS[event.level]}: {event.title}"[:2000],
        "embeds": [embed],
        # Text from events must never ping @everyone or roles.
        "allowed_mentions": {"parse": []},
    }
    if username:
        payload["username"] = username
    return payload


def teams_payload(event: Event) -> dict[str, Any]:
    """Return a Microsoft Teams message holding an Adaptive Card.

    Adaptive Cards work with both Teams workflow webhooks and the older
    connector webhooks, which is why they are used rather than MessageCards.
    """
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": event.title,
            "weight": "Bolder",
            "size": "Medium",
            "color": _CARD_COLORS[event.level],
            "wrap": True,
        },
    ]
    if event.body:
        body.append({"type": "TextBlock", "text": event.body, "wrap": True})
    facts = [{"title": name, "value": value} for name, value in event.fields.items()]
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


def plain_text(event: Event) -> str:
    """Return the event as plain text: title, details, fields and link."""
    lines = [f"{LABELS[event.level]}: {event.title}"]
    if event.body:
        lines += ["", event.body]
    if event.fields:
        lines += [""] + [f"{name}: {value}" for name, value in event.fields.items()]
    if event.url:
        lines += ["", event.url]
    return "\n".join(lines)


def html_text(event: Event) -> str:
    """Return the event as an HTML fragment, everything from the event escaped."""
    esc = html.escape
    title = esc(event.title)
    if event.url:
        title = f'<a href="{esc(event.url)}">{title}</a>'
    parts = [
        f'<p><strong style="color: {COLORS[event.level]}">'
        f"{LABELS[event.level]}:</strong> {title}</p>"
    ]
    if event.body:
        parts.append("<p>" + esc(event.body).replace("\n", "<br>") + "</p>")
    if event.fields:
        rows = "".join(
            f'<tr><th align="left">{esc(name)}</th><td>{esc(value)}</td></tr>'
            for name, value in event.fields.items()
        )
        parts.append(f"<table>{rows}</table>")
    return "\n".join(parts)


def matrix_content(event: Event) -> dict[str, Any]:
    """Return the content of a Matrix ``m.room.message`` event."""
    return {
        "msgtype": "m.notice" if event.level in ("info", "success") else "m.text",
        "body": plain_text(event),
        "format": "org.matrix.custom.html",
        "formatted_body": html_text(event),
    }


def email_message(event: Event, from_address: str, to_addresses: list[str]) -> EmailMessage:
    """Return a mail with a plain-text part and an HTML alternative."""
    message = EmailMessage()
    message["Subject"] = f"[{LABELS[event.level]}] {event.title}"
    message["From"] = from_address
    message["To"] = ", ".join(to_addresses)
    message["Date"] = event.timestamp
    message["X-Event-Kind"] = event.kind
    message.set_content(plain_text(event))
    message.add_alternative(
        f"<!DOCTYPE html>\n<html><body>\n{html_text(event)}\n</body></html>\n", subtype="html"
    )
    return message
