"""The configuration form of an Apprise service, generated from its token schema."""

from __future__ import annotations

import html
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, SecretStr, StringConstraints
from pydantic_core import PydanticCustomError

from desktop_integrations.delivery import ServiceConfigForm, service_fieldsets
from desktop_integrations.plugins.apprise.extras import Extra, extras_of, split_entry
from desktop_integrations.plugins.apprise.schema import Service, Token
from desktop_integrations.plugins.apprise.settings import USE_TLS, Setting, settings_of

_NUMBERS: dict[str, type] = {"int": int, "float": float}


def _matching(token: Token) -> AfterValidator:
    assert token.regex is not None
    pattern, flags = token.regex
    compiled = re.compile(pattern, re.IGNORECASE if "i" in flags else 0)

    def check(value: Any) -> Any:
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if text and not compiled.search(text):
            raise PydanticCustomError(
                "pattern_mismatch",
                "{title} does not have the expected form.",
                {"title": token.title},
            )
        return value

    return AfterValidator(check)


def _filled_secret(value: SecretStr) -> SecretStr:
    if not value.get_secret_value().strip():
        raise PydanticCustomError("missing", "This field is required.")
    return value


def _clean_items(items: list[str]) -> list[str]:
    return [item.strip() for item in items if item.strip()]


def _some_items(items: list[str]) -> list[str]:
    if not items:
        raise PydanticCustomError("missing", "Enter at least one entry.")
    return items


def _list_help(service: Service, token: Token) -> str:
    kinds = []
    for key in token.group:
        member = service.tokens.get(key)
        if member is not None:
            prefix = f" (starting with {member.prefix})" if member.prefix else ""
            kinds.append(member.title + prefix)
    return f"One per entry: {', '.join(kinds)}." if kinds else "One per entry."


def _annotation(token: Token) -> tuple[Any, dict[str, Any]]:
    """Return a token's field type and the ``Field()`` arguments its constraints give."""
    kind = token.type.partition(":")[0]
    options: dict[str, Any] = {}
    default = token.default
    if token.private:
        annotation: Any = SecretStr
        if token.required:
            annotation = Annotated[SecretStr, AfterValidator(_filled_secret)]
        else:
            options["default"] = SecretStr(str(default or ""))
    elif kind in _NUMBERS:
        number = _NUMBERS[kind]
        if token.minimum is not None:
            options["ge"] = number(token.minimum)
        if token.maximum is not None:
            options["le"] = number(token.maximum)
        annotation = number if token.required or default is not None else number | None
        if not token.required:
            options["default"] = number(default) if default is not None else None
    elif kind == "bool":
        annotation = bool
        options["default"] = bool(default)
    elif kind == "choice" and token.values:
        annotation = Literal[token.values]
        if default in token.values:
            options["default"] = default
        elif not token.required:
            annotation, options["default"] = annotation | None, None
    elif kind == "list":
        annotation = Annotated[list[str], AfterValidator(_clean_items)]
        if token.required:
            annotation = Annotated[annotation, AfterValidator(_some_items)]
        else:
            options["default_factory"] = list
    elif token.required:
        annotation = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    else:
        annotation = Annotated[str, StringConstraints(strip_whitespace=True)]
        options["default"] = str(default) if default is not None else ""
    if token.regex is not None and kind not in ("list", "bool", "int", "float"):
        annotation = Annotated[annotation, _matching(token)]
    return annotation, options


def _field(service: Service, setting: Setting) -> tuple[Any, Any]:
    token = setting.token
    annotation, options = _annotation(token)
    description = _list_help(service, token) if token.is_list else ""
    return annotation, Field(title=token.title, description=description, **options)


def _extra_field(extra: Extra) -> tuple[Any, Any]:
    def check(lines: list[Any]) -> list[Any]:
        kept = []
        for number, item in enumerate(lines, start=1):
            line = (item.get_secret_value() if extra.secret else item).strip()
            if not line:
                continue
            try:
                split_entry(extra, line)
            except ValueError as e:  # names the entry, never its value (maybe a token)
                raise PydanticCustomError(
                    "invalid_entry",
                    "Entry {number}: {reason}.",
                    {"number": number, "reason": str(e)},
                ) from None
            kept.append(SecretStr(line) if extra.secret else line)
        return kept

    item: Any = SecretStr if extra.secret else str
    annotation = Annotated[list[item], AfterValidator(check)]
    return annotation, Field(default_factory=list, title=extra.title, description=extra.help)


def _where_description(service: Service) -> str:
    name = html.escape(service.name)
    site = (
        f'<a href="{html.escape(service.service_url)}">{name}</a>' if service.service_url else name
    )
    setup = (
        f' Apprise explains each setting in its <a href="{html.escape(service.setup_url)}">'
        f"guide to {name}</a>."
        if service.setup_url
        else ""
    )
    return f"Where {site} is, and the credentials it needs, sent through Apprise.{setup}"


def build_form(service: Service) -> type[ServiceConfigForm]:
    """Return a new form class whose fields are the service's settings."""
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__module__": __name__, "__qualname__": ""}
    where: list[str] = []
    options: list[str] = []
    if service.has_tls_choice:
        annotations[USE_TLS] = bool
        namespace[USE_TLS] = Field(
            default=True,
            title="Use TLS",
            description=f"Connect with {service.secure_protocols[0]}:// rather than "
            f"{service.protocols[0]}://.",
        )
        where.append(USE_TLS)
    for setting in settings_of(service):
        annotations[setting.field], namespace[setting.field] = _field(service, setting)
        (options if setting.is_option else where).append(setting.field)
    for extra in extras_of(service):
        annotations[extra.field], namespace[extra.field] = _extra_field(extra)
        options.append(extra.field)
    fieldsets = service_fieldsets(tuple(where), _where_description(service))
    if options:
        fieldsets += (
            (
                "Options",
                {
                    "description": "Apprise's options for this service; the defaults suit "
                    "most uses.",
                    "fields": tuple(options),
                    "classes": ("collapse",),
                },
            ),
        )
    meta = type("Meta", (), {"__doc__": "Fieldsets.", "fieldsets": fieldsets})
    name = "".join(part.capitalize() for part in re.split(r"\W+", service.protocol) if part)
    namespace.update(
        __annotations__=annotations,
        __qualname__=f"Apprise{name}ConfigForm",
        __doc__=f"The settings of {service.name}, generated from Apprise's schema.",
        Meta=meta,
    )
    return type(namespace["__qualname__"], (ServiceConfigForm,), namespace)
