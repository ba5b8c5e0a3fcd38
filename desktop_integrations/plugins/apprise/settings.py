"""Which of a service's tokens become settings, and under which field names.

Every template placeholder becomes a setting named after it, except the
scheme (a "Use TLS" choice where the service has both a plain and a secure
one) and the tokens that Apprise groups into a list (ntfy's ``topic`` is an
item of ``targets``): the list holds them. Every query argument that is not
another name for a token becomes an option.
"""

from __future__ import annotations

import functools
import keyword
from dataclasses import dataclass

from desktop_integrations.plugins.apprise.schema import Service, Token

#: The setting that chooses the secure scheme.
USE_TLS = "use_tls"
# Names the form itself uses, and pydantic's BaseModel attributes.
_TAKEN = frozenset({"name", "enabled", "conditions", USE_TLS, "schema", "copy", "json", "dict"})


@dataclass(frozen=True)
class Setting:
    """One setting of an Apprise integration.

    Attributes:
        field: The form field's name (the token's key, made a valid name).
        token: The token it holds.
        is_option: Whether it is a query argument (shown under "Options").
        query_key: For a token that no template places, the query argument
            that carries it (an alias Apprise declares, such as ``to``).
    """

    field: str
    token: Token
    is_option: bool
    query_key: str = ""


def field_name(key: str, taken: set[str]) -> str:
    """Return the field name of a token: its key, made an identifier not yet taken."""
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in key).strip("_") or "value"
    if name[0].isdigit():
        name = f"t_{name}"
    while keyword.iskeyword(name) or name in _TAKEN or name in taken or name.startswith("model_"):
        name += "_"
    taken.add(name)
    return name


def _template_keys(service: Service) -> list[str]:
    keys: list[str] = []
    for template in service.templates:
        for key in service.placeholders(template):
            if key not in keys:
                keys.append(key)
    return keys


@functools.cache
def settings_of(service: Service) -> tuple[Setting, ...]:
    """Return a service's settings: its tokens first, then its options."""
    taken: set[str] = set()
    result: list[Setting] = []
    token_keys: list[str] = []
    for key in _template_keys(service):
        token = service.tokens.get(key)
        if key == "schema" or token is None or token.alias_of:
            continue
        holder = service.list_of(key)
        if holder is not None:
            key, token = holder.key, holder
        if key not in token_keys:
            token_keys.append(key)
            result.append(Setting(field_name(key, taken), token, is_option=False))
    for key, token in service.tokens.items():
        if key in token_keys or key == "schema" or token.alias_of or service.list_of(key):
            continue
        alias = next((a for a, arg in service.args.items() if arg.alias_of == key), "")
        if alias:  # only the query can carry it
            token_keys.append(key)
            result.append(Setting(field_name(key, taken), token, False, query_key=alias))
    mapped = {service.tokens[key].map_to for key in token_keys}
    for key, token in service.args.items():
        if token.alias_of or not token.type or key in service.tokens or token.map_to in mapped:
            continue
        result.append(Setting(field_name(key, taken), token, is_option=True))
    return tuple(result)


def by_key(service: Service) -> dict[str, Setting]:
    """Return a service's settings by token key."""
    return {setting.token.key: setting for setting in settings_of(service)}
