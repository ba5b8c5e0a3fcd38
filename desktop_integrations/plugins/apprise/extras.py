"""The free-form entries of an Apprise URL's query: headers, payload extras, parameters.

Some services (JSON, Form, XML, Mattermost's kin, e-mail...) read query entries
that Apprise names by a leading character rather than by key: ``+Name=value``
adds an HTTP (or mail) header, ``:key=value`` adds to the payload (or renames
or, with no value, drops one of its keys), ``-key=value`` adds a GET
parameter. Each kind a service takes becomes a list setting, one entry per
line: headers as ``Name: value`` lines kept as secrets (they often carry a
token), the others as ``key=value`` lines.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from pydantic import SecretStr

from desktop_integrations.plugins.apprise.schema import Service
from desktop_integrations.plugins.apprise.settings import field_name, settings_of
from desktop_integrations.plugins.webhook import parse_header

_TITLES = {"headers": "HTTP headers", "payload": "Payload extras", "params": "GET parameters"}
_HELP = {
    "headers": "Headers to add, one 'Name: value' per entry, such as 'Authorization: Bearer "
    "abc123'. They are kept as secrets.",
    "payload": "Entries to add to the payload, one 'key=value' per entry; 'key=' alone "
    "leaves that key out.",
    "params": "Query parameters to add to the request, one 'key=value' per entry.",
}


@dataclass(frozen=True)
class Extra:
    """One kind of free-form query entries that a service takes.

    Attributes:
        field: The form field's name.
        kind: ``"headers"``, ``"payload"`` or ``"params"``.
        prefix: The character its query keys start with (``+``, ``:``, ``-``).
    """

    field: str
    kind: str
    prefix: str

    @property
    def title(self) -> str:
        """The field's title."""
        return _TITLES[self.kind]

    @property
    def help(self) -> str:
        """The field's description."""
        return _HELP[self.kind]

    @property
    def secret(self) -> bool:
        """Whether the entries are kept as secrets (headers)."""
        return self.kind == "headers"


@functools.cache
def extras_of(service: Service) -> tuple[Extra, ...]:
    """Return the kinds of free-form entries ``service`` takes, named apart from its settings."""
    taken = {setting.field for setting in settings_of(service)}
    return tuple(Extra(field_name(kind, taken), kind, prefix) for kind, prefix in service.extras)


def split_entry(extra: Extra, line: str) -> tuple[str, str]:
    """Return an entry's name and value.

    Raises:
        ValueError: The line is not a ``Name: value`` header (or ``key=value`` entry).
    """
    if extra.secret:
        return parse_header(line)
    key, equals, value = line.partition("=")
    if not equals or not key.strip():
        raise ValueError("write it as 'key=value'")
    return key.strip(), value.strip()


def _plain(item: Any) -> str:
    return item.get_secret_value() if isinstance(item, SecretStr) else str(item)


def query_entries(service: Service, values: Mapping[str, Any]) -> list[str]:
    """Return the encoded query entries (``+Name=value``...) of the settings' extras."""
    entries = []
    for extra in extras_of(service):
        for item in values.get(extra.field) or ():
            name, value = split_entry(extra, _plain(item))
            entries.append(f"{extra.prefix}{quote(name, safe='')}={quote(value, safe='')}")
    return entries


def parse_entries(service: Service, query: str) -> dict[str, list[str]]:
    """Return the extras' lines (form data by field name) held in a URL's raw query.

    Read from the raw query rather than a decoded one, since ``+`` would decode as a space.
    """
    by_prefix = {extra.prefix: extra for extra in extras_of(service)}
    values: dict[str, list[str]] = {}
    for pair in query.split("&"):
        extra = by_prefix.get(pair[:1])
        if extra is None or len(pair) < 2:
            continue
        raw_name, _, raw_value = pair[1:].partition("=")
        name, value = unquote(raw_name), unquote(raw_value)
        line = f"{name}: {value}" if extra.secret else f"{name}={value}"
        values.setdefault(extra.field, []).append(line)
    return values
