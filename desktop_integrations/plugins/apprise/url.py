"""Apprise URLs composed from an integration's settings, and parsed back into them.

Composing picks the service's URL template that holds exactly the settings
filled in, and escapes every value; the options go into the query string
when they differ from their defaults. Parsing matches the URL against the
templates, most specific first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

from desktop_integrations.plugins.apprise.extras import parse_entries, query_entries
from desktop_integrations.plugins.apprise.schema import Service, Token
from desktop_integrations.plugins.apprise.settings import USE_TLS, Setting, by_key, settings_of

_TRUE = frozenset({"yes", "true", "1", "on", "y"})


class AppriseUrlError(ValueError):
    """The settings make no Apprise URL, or a URL is not one this service reads."""


def _plain(value: Any) -> Any:
    get = getattr(value, "get_secret_value", None)
    return get() if callable(get) else value


def _filled(setting: Setting, value: Any) -> bool:
    value = _plain(value)
    if value is None or value == "" or value == []:
        return False
    # A path left at its default ("/") is the service's root: nothing to place.
    return not (setting.token.map_to == "fullpath" and value == setting.token.default)


def _slot(service: Service, key: str, filled: Mapping[str, Any]) -> str | None:
    """Return the setting key a placeholder takes its value from, if it has one."""
    if key in filled:
        return key
    holder = service.list_of(key)
    if holder is not None and len(filled.get(holder.key) or ()) == 1:
        return holder.key
    return None


def _choose_template(service: Service, filled: Mapping[str, Any]) -> tuple[str, set[str]]:
    best: tuple[str, set[str]] | None = None
    for template in service.templates:
        keys = [k for k in service.placeholders(template) if k != "schema"]
        slots = [_slot(service, key, filled) for key in keys]
        if None in slots:
            continue
        used = {slot for slot in slots if slot is not None}
        if used == set(filled):
            return template, used
        leftover = set(filled) - used
        paths = all(service.tokens[k].map_to == "fullpath" for k in leftover if k in service.tokens)
        if paths and (best is None or len(used) > len(best[1])):
            best = (template, used)
    if best is None:
        names = ", ".join(by_key(service)[key].token.title for key in filled)
        raise AppriseUrlError(
            f"Apprise has no {service.name} URL made of these settings ({names or 'none'})"
        )
    return best


def _render(token: Token, value: Any, before: str, after: str) -> str:
    """Return a placeholder's text; ``before`` and ``after`` are the template's neighbours."""
    value = _plain(value)
    if token.is_list:
        return "/".join(quote(str(item), safe="") for item in value)
    if _is_path(token):
        path = quote(str(value), safe="/").lstrip("/")
        if after.startswith("{"):  # another placeholder follows: the path ends with "/"
            path = path.rstrip("/") + "/"
        elif after.startswith("/"):
            path = path.rstrip("/")
        return path if before.endswith("/") else "/" + path
    return quote(str(value), safe="")


def _query_value(token: Token, value: Any) -> str:
    value = _plain(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def compose(service: Service, values: Mapping[str, Any]) -> str:
    """Return the Apprise URL of a configuration's settings (cleaned form values).

    Raises:
        AppriseUrlError: No template of the service holds the settings given.
    """
    settings = settings_of(service)
    filled = {
        s.token.key: values.get(s.field)
        for s in settings
        if not s.is_option and not s.query_key and _filled(s, values.get(s.field))
    }
    template, used = _choose_template(service, filled)
    secure = bool(values.get(USE_TLS, True)) if service.has_tls_choice else not service.protocols
    url = template.replace(
        "{schema}", (service.secure_protocols if secure else service.protocols)[0]
    )
    for key in service.placeholders(template):
        if key == "schema":
            continue
        slot = _slot(service, key, filled)
        assert slot is not None
        token = service.tokens[slot]
        before, _, after = url.partition("{" + key + "}")
        url = before + _render(token, filled[slot], before, after) + after
    for key in set(filled) - used:  # paths no template places: the URL's path
        url = url.rstrip("/") + _render(service.tokens[key], filled[key], "", "")
    query = {
        s.query_key: _query_value(s.token, values[s.field])
        for s in settings
        if s.query_key and _filled(s, values.get(s.field))
    }
    query.update(
        (s.token.key, _query_value(s.token, values[s.field]))
        for s in settings
        if s.is_option and s.field in values and _differs(s.token, _plain(values[s.field]))
    )
    entries = [urlencode(query, quote_via=quote)] if query else []
    entries += query_entries(service, values)
    if not entries:
        return url
    return url + ("&" if "?" in url else "?") + "&".join(entries)


def _differs(token: Token, value: Any) -> bool:
    if value is None or value == "" or value == []:
        return False
    if token.default is None:
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) != float(token.default)
    return bool(value != token.default)


def _is_path(token: Token | None) -> bool:
    return token is not None and token.map_to == "fullpath" and not token.is_list


def _pattern(service: Service, template: str) -> re.Pattern[str]:
    parts: list[str] = []
    pieces = re.split(r"({\w+})", template)
    for index, piece in enumerate(pieces):
        if not (piece.startswith("{") and piece.endswith("}")):
            parts.append(re.escape(piece))
            continue
        key = piece[1:-1]
        token = service.tokens.get(key)
        following = next((p for p in pieces[index + 1 :] if p), "")[:1]
        if key == "schema":
            parts.append("(?P<schema>" + "|".join(map(re.escape, service.schemes)) + ")")
        elif key == "port":
            parts.append(r"(?P<port>\d+)")
        elif _is_path(token) and following == "{":
            parts.append(f"(?P<{key}>/(?:[^?#]*/)?)")
        elif _is_path(token) and not parts[-1].endswith("/"):
            parts.append(f"(?P<{key}>/[^?#]*)")
        elif token is not None and (token.is_list or _is_path(token)):
            lazy = "?" if following else ""
            parts.append(f"(?P<{key}>[^?#]+{lazy})")
        elif following in ("@", ":"):
            parts.append(f"(?P<{key}>[^/?#@:]+)")
        else:
            parts.append(f"(?P<{key}>[^/?#@]+)")
    path = next((k for k, t in service.tokens.items() if _is_path(t)), None)
    if path is not None and path not in service.placeholders(template):
        # A path that no template places follows the last part, as compose() puts it.
        parts.append(f"(?P<{path}>/[^?#]*)?")
    return re.compile("".join(parts) + "/?", re.IGNORECASE)


def _convert(token: Token, text: str) -> Any:
    kind = token.type.partition(":")[0]
    if kind == "bool":
        return text.strip().lower() in _TRUE
    if kind in ("int", "float"):
        number = float(text)
        return int(number) if kind == "int" and number.is_integer() else number
    if kind == "choice" and token.values and isinstance(token.values[0], int):
        return int(text)
    if token.is_list:
        separators = "".join(re.escape(d) for d in token.delim) or ","
        return [unquote(item) for item in re.split(f"[{separators},]", text) if item]
    return text


def _by_template(service: Service, base: str, query: set[str]) -> dict[str, Any] | None:
    keyed = by_key(service)
    ordered = sorted(service.templates, key=lambda t: -len(service.placeholders(t)))
    for template in ordered:
        template_base, _, template_query = template.partition("?")
        wanted = {pair.partition("=")[0].lower() for pair in template_query.split("&") if pair}
        match = _pattern(service, template_base).fullmatch(base)
        if match is None or not wanted <= query:
            continue
        values: dict[str, Any] = {}
        for key, text in match.groupdict().items():
            if text is None or (_is_path(service.tokens.get(key)) and text.strip("/") == ""):
                continue
            if key == "schema":
                if service.has_tls_choice:
                    values[USE_TLS] = text.lower() in service.secure_protocols
                continue
            setting = keyed.get(key) or keyed.get(getattr(service.list_of(key), "key", ""))
            if setting is None:
                continue
            if setting.token.is_list:
                items = text.split("/") if setting.token.key == key else [text]
                values.setdefault(setting.field, []).extend(unquote(i) for i in items if i)
            elif _is_path(setting.token):
                values[setting.field] = "/" + unquote(text).strip("/")
            else:
                values[setting.field] = _convert(setting.token, unquote(text))
        return values
    return None


def parse(service: Service, url: str) -> dict[str, Any]:
    """Return the settings (form data by field name) that an Apprise URL holds.

    Raises:
        AppriseUrlError: The URL matches none of the service's templates, or
            its query holds a value of the wrong type.
    """
    base, _, query = url.strip().partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    values = _by_template(service, base, {key.lower() for key, _ in pairs})
    if values is None:
        raise AppriseUrlError(f"This is not a {service.name} URL that Apprise describes")
    keyed = by_key(service)
    for key, text in pairs:
        arg = service.args.get(key.lower())
        target = arg.alias_of if arg is not None and arg.alias_of else key.lower()
        setting = keyed.get(target)
        if setting is None:
            continue
        try:
            value = _convert(setting.token, text)
        except ValueError as e:
            raise AppriseUrlError(f"The URL's {key!r} is not valid: {e}") from e
        if setting.token.is_list:
            values.setdefault(setting.field, []).extend(value)
        else:
            values[setting.field] = value
    values.update(parse_entries(service, query))
    return values
