"""Helpers every service's payload shares: level colours and labels, escaping, truncation.

Each built-in plugin builds its own service's payload from these, so that an
event reads the same everywhere and no event text becomes markup: a title of
``[Reset password](https://evil.example/)`` must show as typed, never as a link.
"""

from __future__ import annotations

import html
import re
from typing import Any

from desktop_integrations.events import Event

#: Colours by level, as ``#rrggbb``.
COLORS = {"info": "#3b82f6", "success": "#22a06b", "warning": "#e2a400", "error": "#d93025"}
#: How each level reads in a message.
LABELS = {"info": "Info", "success": "Success", "warning": "Warning", "error": "Error"}
#: What ends a text that was cut to fit a service's limit.
CUT_MARK = "…"

# The characters that start Markdown markup (emphasis, code, links, images,
# headings, quotes, tables, strike-through, HTML); a backslash makes each literal.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~])")
# What a cut may leave half written at the end: an odd backslash of an escape,
# or the start of an HTML entity.
_HALF_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\$|&[#a-zA-Z0-9]{0,8}$")


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


def escape_markdown(text: str) -> str:
    """Return ``text`` with every Markdown markup character backslash-escaped.

    For services that render CommonMark-style Markdown (Microsoft Teams,
    Mattermost, Discord): the text shows as typed.
    """
    return _MARKDOWN.sub(r"\\\1", text)


def escape_mrkdwn(text: str) -> str:
    """Return ``text`` escaped for Slack's mrkdwn, which reads ``&``, ``<`` and ``>``.

    Links, mentions (``<!channel>``) and dates all need ``<``; with it
    escaped, the other mrkdwn marks (``*bold*``) can only change emphasis.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Return ``text`` cut to at most ``limit`` characters, the cut marked with ``…``.

    An escape sequence or HTML entity that the cut would split is dropped
    whole, so the result still shows as the text did.
    """
    if len(text) <= limit:
        return text
    if limit <= len(CUT_MARK):
        return CUT_MARK[:limit]
    kept = text[: limit - len(CUT_MARK)]
    return _HALF_ESCAPE.sub("", kept) + CUT_MARK


def one_line(text: str) -> str:
    """Return ``text`` with every line break folded into a space (for a subject line)."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


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
    """Return the event as an HTML fragment, everything from the event escaped.

    Only the tags and attributes of the Matrix specification's allowed HTML
    subset are used (the level colour is a ``<font>`` with both ``color`` and
    ``data-mx-color``), so a Matrix client shows all of it and a mail client
    reads it as ordinary HTML.
    """
    esc = html.escape
    title = esc(event.title)
    if event.url:
        title = f'<a href="{esc(event.url)}">{title}</a>'
    color = COLORS[event.level]
    parts = [
        f'<p><font color="{color}" data-mx-color="{color}">'
        f"<strong>{LABELS[event.level]}:</strong></font> {title}</p>"
    ]
    if event.body:
        parts.append("<p>" + esc(event.body).replace("\n", "<br>") + "</p>")
    if event.fields:
        rows = "".join(
            f"<tr><th>{esc(name)}</th><td>{esc(value)}</td></tr>"
            for name, value in event.fields.items()
        )
        parts.append(f"<table>{rows}</table>")
    return "\n".join(parts)
