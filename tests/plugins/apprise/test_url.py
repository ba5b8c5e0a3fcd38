"""Apprise URLs: settings -> URL -> settings for every service, and URLs Apprise reads."""

from __future__ import annotations

import functools
import re
from re import _parser as sre_parse  # a regex's structure, to write a value it accepts
from typing import Any

import apprise
import pytest
from pydantic import SecretStr

from desktop_integrations.plugins.apprise.schema import Service, Token, load_services
from desktop_integrations.plugins.apprise.settings import USE_TLS, by_key, settings_of
from desktop_integrations.plugins.apprise.url import AppriseUrlError, compose, parse

SERVICES = load_services()


def _sample(token: Token, index: int) -> Any:
    kind = token.type.partition(":")[0]
    if kind == "int":
        low = int(token.minimum) if token.minimum is not None else 0
        high = int(token.maximum) if token.maximum is not None else low + 1000
        return min(high, max(low, 8080 if token.key == "port" else low + 1))
    if kind == "bool":
        return True
    if kind == "choice":
        return token.values[-1]
    if token.map_to == "fullpath":
        return f"/p{index}/q{index}"
    if token.regex is None:
        return f"v{index}x"
    return _matching(token.regex)


_CATEGORY_CHARS = {"CATEGORY_DIGIT": "0", "CATEGORY_WORD": "a", "CATEGORY_NOT_SPACE": "a"}


def _simplest(parsed: Any) -> str:
    """Return the shortest string a parsed regex accepts, preferring letters and digits."""
    out = []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("b" if chr(arg) == "a" else "a")
        elif name == "IN":
            out.append(_class_char(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, _high, item = arg
            out.append(_simplest(item) * max(low, 1))
        elif name == "SUBPATTERN":
            out.append(_simplest(arg[-1]))
        elif name == "BRANCH":
            out.append(_simplest(arg[1][0]))
        elif name == "ANY":
            out.append("a")
        elif name == "CATEGORY":
            out.append(_CATEGORY_CHARS.get(str(arg), "a"))
    return "".join(out)


def _class_char(items: Any) -> str:
    for op, arg in items:
        name = str(op)
        if name == "LITERAL" and chr(arg).isalnum():
            return chr(arg)
        if name == "RANGE":
            return chr(arg[0])
        if name == "CATEGORY":
            return _CATEGORY_CHARS.get(str(arg), "a")
    return next(chr(arg) for op, arg in items if str(op) == "LITERAL")


@functools.cache
def _matching(regex: tuple[str, str]) -> str | None:
    """Return a simple string that a token's pattern accepts, if one is found."""
    flags = re.IGNORECASE if "i" in regex[1] else 0
    text = _simplest(sre_parse.parse(regex[0], flags))
    return text if re.search(regex[0], text, flags) else None


def _skeleton(template: str) -> str:
    """The template's shape: which URLs it reads, whatever its placeholders' names."""

    def kind(match: re.Match[str]) -> str:
        key = match.group(1)
        return "{" + (key if key in ("port", "schema") else "value") + "}"

    return re.sub(r"{(\w+)}", kind, template)


def _values_for(service: Service, template: str) -> dict[str, Any] | None:
    keyed = by_key(service)
    values: dict[str, Any] = {}
    for index, key in enumerate(service.placeholders(template)):
        if key == "schema":
            continue
        holder = service.list_of(key)
        setting = keyed.get(key) or (keyed.get(holder.key) if holder else None)
        if setting is None:
            return None
        if setting.token.is_list:
            item = _sample(service.tokens.get(key) or setting.token, index)
            if item is None:
                return None
            values.setdefault(setting.field, []).append(item)
            continue
        value = _sample(setting.token, index)
        if value is None or value == setting.token.default:
            return None
        values[setting.field] = value
    return values


def _round_trips(service: Service) -> list[tuple[str, dict[str, Any]]]:
    skeletons = [_skeleton(t) for t in service.templates]
    cases = []
    for template, skeleton in zip(service.templates, skeletons, strict=True):
        if skeletons.count(skeleton) > 1:
            continue  # another template reads the same URL: ambiguous by design
        values = _values_for(service, template)
        if values:
            cases.append((template, values))
    return cases


@pytest.mark.parametrize("service", SERVICES, ids=[s.integration_id for s in SERVICES])
def test_settings_survive_a_url_round_trip(service: Service) -> None:
    cases = _round_trips(service)
    for template, values in cases:
        if service.has_tls_choice:
            values[USE_TLS] = False
        url = compose(service, values)
        assert parse(service, url) == values, (template, url)


def test_most_services_round_trip_through_some_template() -> None:
    covered = [s for s in SERVICES if _round_trips(s)]
    assert len(covered) >= 0.95 * len(SERVICES)


@pytest.mark.parametrize("service", SERVICES, ids=[s.integration_id for s in SERVICES])
def test_options_survive_a_url_round_trip(service: Service) -> None:
    options = {}
    for setting in settings_of(service):
        token = setting.token
        if not setting.is_option or token.private:
            continue
        if token.type == "bool":
            options[setting.field] = not token.default
        elif token.type.startswith("choice:") and len(token.values) > 1:
            options[setting.field] = next(v for v in token.values if v != token.default)
    cases = _round_trips(service)
    if not cases or not options:
        pytest.skip("no template or no option to vary")
    values = {**cases[0][1], **options}
    if service.has_tls_choice:
        values[USE_TLS] = True
    assert parse(service, compose(service, values)) == values


def test_apprise_reads_the_urls_composed_for_most_services() -> None:
    read = total = 0
    for service in SERVICES:
        for _, values in _round_trips(service)[:1]:
            total += 1
            read += apprise.Apprise.instantiate(compose(service, values)) is not None
    assert read >= 0.7 * total


def test_values_are_escaped_in_the_url() -> None:
    [json_] = [s for s in SERVICES if s.integration_id == "apprise.json"]
    values = {"use_tls": True, "host": "h", "user": "a b", "password": "p@ss/w:rd?#"}
    url = compose(json_, values)
    assert url == "jsons://a%20b:p%40ss%2Fw%3Ard%3F%23@h"
    assert parse(json_, url) == values
    assert apprise.Apprise.instantiate(url).password == "p@ss/w:rd?#"


def test_settings_that_no_template_holds_are_refused() -> None:
    [mmost] = [s for s in SERVICES if s.integration_id == "apprise.mmost"]
    with pytest.raises(AppriseUrlError, match="no Mattermost URL made of these settings"):
        compose(mmost, {"host": "h"})
    with pytest.raises(AppriseUrlError, match="not a Mattermost URL"):
        parse(mmost, "mmost://")


def test_headers_payload_and_parameters_round_trip_through_the_url() -> None:
    [json_] = [s for s in SERVICES if s.integration_id == "apprise.json"]
    values = {
        "use_tls": False,
        "host": "h",
        "headers": [SecretStr("X-Token: a+b&c=d"), SecretStr("X-Team: ops")],
        "payload": ["team=ops", "title="],
        "params": ["source=ci"],
    }
    url = compose(json_, values)
    assert url.startswith("json://h?+X-Token=a%2Bb%26c%3Dd&+X-Team=ops&:team=ops")
    assert parse(json_, url) == {
        "use_tls": False,
        "host": "h",
        "headers": ["X-Token: a+b&c=d", "X-Team: ops"],
        "payload": ["team=ops", "title="],
        "params": ["source=ci"],
    }
    sender = apprise.Apprise.instantiate(url)
    assert sender.headers == {"X-Token": "a+b&c=d", "X-Team": "ops"}
    assert sender.params == {"source": "ci"}
    assert sender.payload_extras == {"team": "ops", "title": ""}
