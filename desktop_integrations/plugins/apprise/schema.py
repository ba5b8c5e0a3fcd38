"""Apprise's description of its services, read into plain records.

``apprise.Apprise().details()`` describes every service it knows: its name,
its URL schemes, the URL templates and, per template placeholder
("token") and query argument ("arg"), a type and constraints. This module
turns that into :class:`Service` and :class:`Token` records; nothing here
depends on pydantic or on the app.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

#: The prefix of every Apprise integration's ID.
ID_PREFIX = "apprise."
#: The kinds of free-form query entries (Apprise's "kwargs") that become settings.
EXTRA_KINDS = ("headers", "payload", "params")
_PLACEHOLDER = re.compile(r"{(\w+)}")
_SET_ITEM = re.compile(r"'([^']*)'")


@dataclass(frozen=True)
class Token:
    """One setting of a service: a URL template placeholder or a query argument.

    Attributes:
        key: Apprise's name for it (the placeholder or the query key).
        title: Its human name.
        type: ``"string"``, ``"int"``, ``"float"``, ``"bool"``, ``"choice:string"``,
            ``"list:string"``...
        required: Whether Apprise needs it.
        private: Whether it is a credential.
        minimum: The smallest number allowed, if any.
        maximum: The largest number allowed, if any.
        values: The allowed values of a ``choice:`` token.
        default: The default value, or None.
        regex: A pattern the value must match and its flags (``"i"``), if any.
        map_to: The service's parameter it feeds; tokens sharing it are one setting.
        delim: The separators of a list's items.
        group: For a list, the keys of the tokens that its items are.
        prefix: The character an item of this kind starts with (``"#"``), if any.
        alias_of: For an argument, the key of the token it is another name for.
    """

    key: str
    title: str
    type: str
    required: bool = False
    private: bool = False
    minimum: float | None = None
    maximum: float | None = None
    values: tuple[Any, ...] = ()
    default: Any = None
    regex: tuple[str, str] | None = None
    map_to: str = ""
    delim: tuple[str, ...] = ()
    group: tuple[str, ...] = ()
    prefix: str = ""
    alias_of: str = ""

    @property
    def is_list(self) -> bool:
        """Whether the value is a list of items."""
        return self.type.startswith("list:")


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per service
class Service:
    """One Apprise service.

    Attributes:
        name: Its name, such as ``"Mattermost"``.
        service_url: The service's web site, or an empty string.
        setup_url: Apprise's page on setting it up, or an empty string.
        protocols: Its plain URL schemes (``mmost``).
        secure_protocols: Its TLS URL schemes (``mmosts``).
        templates: The URL templates, such as ``{schema}://{host}/{token}``.
        tokens: The template placeholders by key.
        args: The query arguments by key.
        extras: The free-form entries its URL's query may add, as (kind, prefix)
            pairs: ``("headers", "+")`` for ``+Name=value`` HTTP headers,
            ``("payload", ":")`` and ``("params", "-")`` likewise.
    """

    name: str
    service_url: str
    setup_url: str
    protocols: tuple[str, ...]
    secure_protocols: tuple[str, ...]
    templates: tuple[str, ...]
    tokens: Mapping[str, Token] = field(default_factory=dict)
    args: Mapping[str, Token] = field(default_factory=dict)
    extras: tuple[tuple[str, str], ...] = ()

    @property
    def takes_headers(self) -> bool:
        """Whether the URL's query may add HTTP headers (``+Name=value``)."""
        return any(kind == "headers" for kind, _ in self.extras)

    @property
    def protocol(self) -> str:
        """The scheme that names it: the first plain one, else the first secure one."""
        return (self.protocols or self.secure_protocols)[0]

    @property
    def integration_id(self) -> str:
        """The ID of its integration: ``apprise.<protocol>``."""
        return ID_PREFIX + self.protocol

    @property
    def has_tls_choice(self) -> bool:
        """Whether it has both a plain and a secure scheme (a "Use TLS" choice)."""
        return bool(self.protocols and self.secure_protocols)

    @property
    def schemes(self) -> tuple[str, ...]:
        """Every URL scheme it answers to."""
        return self.protocols + self.secure_protocols

    def placeholders(self, template: str) -> list[str]:
        """Return the keys of a template's placeholders, in order."""
        return _PLACEHOLDER.findall(template)

    def list_of(self, key: str) -> Token | None:
        """Return the list token that ``key`` is an item of, if any."""
        for token in self.tokens.values():
            if token.is_list and key in token.group:
                return token
        return None


def _values(raw: Any) -> tuple[Any, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        # details() renders sets as their repr: "frozenset({'text', 'html'})".
        return tuple(sorted(_SET_ITEM.findall(raw)))
    if isinstance(raw, set | frozenset):
        return tuple(sorted(raw, key=str))
    return tuple(raw)


def _group(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):
        return tuple(sorted(_SET_ITEM.findall(raw)))
    return tuple(sorted(raw or ()))


def _number(raw: Any) -> float | None:
    return float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None


def read_token(key: str, raw: Mapping[str, Any]) -> Token:
    """Return the :class:`Token` that Apprise describes as ``raw``."""
    regex = raw.get("regex")
    values = _values(raw.get("supported") or raw.get("values"))
    default = raw.get("default")
    if values and default is not None and default not in values:
        values = (*values, default)
    return Token(
        key=key,
        title=str(raw.get("name") or key),
        type=str(raw.get("type") or ""),
        required=bool(raw.get("required")),
        private=bool(raw.get("private")),
        minimum=_number(raw.get("min")),
        maximum=_number(raw.get("max")),
        values=values,
        default=default,
        regex=(str(regex[0]), str(regex[1]) if len(regex) > 1 else "") if regex else None,
        map_to=str(raw.get("map_to") or key),
        delim=tuple(raw.get("delim") or ()),
        group=_group(raw.get("group")),
        prefix=str(raw.get("prefix") or ""),
        alias_of=str(raw.get("alias_of") or ""),
    )


def read_service(raw: Mapping[str, Any]) -> Service | None:
    """Return the :class:`Service` of one ``details()`` schema, or None if it has no scheme."""
    protocols = tuple(str(p).lower() for p in raw.get("protocols") or ())
    secure = tuple(str(p).lower() for p in raw.get("secure_protocols") or ())
    if not protocols and not secure:
        return None
    details = raw.get("details") or {}
    return Service(
        name=str(raw.get("service_name") or protocols[0]),
        service_url=str(raw.get("service_url") or ""),
        setup_url=str(raw.get("setup_url") or ""),
        protocols=protocols,
        secure_protocols=secure,
        templates=tuple(details.get("templates") or ()),
        tokens={k: read_token(k, t) for k, t in (details.get("tokens") or {}).items()},
        args={k: read_token(k, t) for k, t in (details.get("args") or {}).items()},
        extras=tuple(
            (str(kwarg["map_to"]), str(kwarg["prefix"]))
            for kwarg in (details.get("kwargs") or {}).values()
            if kwarg.get("map_to") in EXTRA_KINDS and kwarg.get("prefix") in ("+", ":", "-")
        ),
    )


def read_services(details: Mapping[str, Any]) -> Iterator[Service]:
    """Yield every service of ``apprise.Apprise().details()`` that can be configured.

    ``details()`` lists only the services whose requirements are installed.
    A service whose ID another one already took is skipped.
    """
    seen: set[str] = set()
    for raw in details.get("schemas") or ():
        service = read_service(raw)
        if service is None or not service.templates or service.integration_id in seen:
            continue
        seen.add(service.integration_id)
        yield service


def load_services() -> list[Service]:
    """Import Apprise and return the services it knows."""
    import apprise

    return list(read_services(apprise.Apprise().details()))
