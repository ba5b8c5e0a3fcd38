"""The Webhook integration: POSTs every event as JSON, optionally signed."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_core import PydanticCustomError

from desktop_integrations import Extension, IntegrationHook, SecretUrl, __version__
from desktop_integrations.delivery import (
    DeliveryPool,
    Outcome,
    ServiceConfigForm,
    ServiceIntegration,
    service_fieldsets,
)
from desktop_integrations.delivery.formatting import event_document
from desktop_integrations.delivery.http import JSON_HEADERS, to_json_bytes
from desktop_integrations.events import Event

#: The header carrying the body's HMAC-SHA256 signature, as GitHub names it.
SIGNATURE_HEADER = "X-Signature-256"
# RFC 9110 field names: a "token" of visible characters without separators.
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def signature(secret: str, body: bytes) -> str:
    """Return the ``X-Signature-256`` value: ``sha256=`` and the hex HMAC of ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def parse_header(line: str) -> tuple[str, str]:
    """Split a ``"Name: value"`` line; raise ValueError saying what is wrong."""
    name, colon, value = line.partition(":")
    name, value = name.strip(), value.strip()
    if not colon or not name:
        raise ValueError("write it as 'Name: value'")
    if not _HEADER_NAME.match(name):
        raise ValueError(f"{name!r} is not a valid header name")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValueError("the value must not hold control characters or line breaks")
    return name, value


class WebhookConfigForm(ServiceConfigForm):
    """Where to POST, and how to sign it."""

    url: SecretUrl = Field(
        title="Payload URL",
        description="The address each event is POSTed to, as JSON.",
    )
    secret: SecretStr = Field(
        default=SecretStr(""),
        title="Secret",
        description="Optional. When set, each request carries the header X-Signature-256: "
        "sha256=<hex HMAC-SHA256 of the body with this secret>, so the receiver can "
        "check that the request came from you.",
    )
    headers: list[SecretStr] = Field(
        default_factory=list,
        title="Extra headers",
        description="Optional headers to send, one 'Name: value' per entry, such as "
        "'Authorization: Bearer abc123'. They are kept as secrets.",
    )

    class Meta:
        """Fieldsets."""

        fieldsets = service_fieldsets(
            ("url", "secret", "headers"),
            "The receiving service and what it needs to accept the request.",
        )

    @field_validator("headers")
    @classmethod
    def _valid_headers(cls, lines: list[SecretStr]) -> list[SecretStr]:
        cleaned = [line.get_secret_value().strip() for line in lines]
        cleaned = [line for line in cleaned if line]
        for number, line in enumerate(cleaned, start=1):
            try:
                parse_header(line)
            except ValueError as e:
                # The header's value may be a credential: the message names
                # the header only.
                raise PydanticCustomError(
                    "invalid_header",
                    "Header {number}: {reason}.",
                    {"number": number, "reason": str(e)},
                ) from None
        return [SecretStr(line) for line in cleaned]


class WebhookIntegration(ServiceIntegration):
    """POSTs every event as JSON to a URL of the user's choice."""

    integration_id = "builtin.webhook"
    name = "Webhook"
    description = "Sends every event as JSON to any web address, optionally signed."
    config_form_cls = WebhookConfigForm
    icon_name = "webhook"

    def send(self, settings: Mapping[str, Any], event: Event, pool: DeliveryPool) -> Outcome:
        """POST the event; sign the exact body bytes when a secret is set."""
        body = to_json_bytes(event_document(event))
        headers = {**JSON_HEADERS, "X-Event-Kind": event.kind}
        headers.update(parse_header(line.get_secret_value()) for line in settings["headers"])
        secret = settings["secret"].get_secret_value()
        if secret:
            headers[SIGNATURE_HEADER] = signature(secret, body)
        url = settings["url"].get_secret_value()
        return pool.http.request("POST", url, content=body, headers=headers)


class WebhookExtension(Extension):
    """Provides the Webhook integration."""

    name = "Webhook"
    version = __version__
    description = "Sends events as JSON to any web address."

    def initialize(self) -> None:
        """Register the integration."""
        IntegrationHook(self, WebhookIntegration)
