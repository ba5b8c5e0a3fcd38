"""The Email integration: mails every event, as plain text with an HTML alternative."""

from __future__ import annotations

from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_core import PydanticCustomError

from desktop_integrations import (
    Extension,
    IntegrationHook,
    RequiredText,
    __version__,
    visible_when,
)
from desktop_integrations.delivery import (
    DeliveryPool,
    Outcome,
    ServiceConfigForm,
    ServiceIntegration,
    SmtpServer,
    service_fieldsets,
)
from desktop_integrations.delivery.formatting import LABELS, html_text, one_line, plain_text
from desktop_integrations.events import Event


def check_address(value: str) -> str:
    """Return ``value`` stripped if it is a mail address; raise ValueError if not."""
    value = value.strip()
    _, address = parseaddr(value)
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in address):
        raise ValueError(f"{value!r} is not a mail address")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError(f"{value!r} holds a line break or control character")
    return value


def email_message(event: Event, from_address: str, to_addresses: list[str]) -> EmailMessage:
    """Return a mail with a plain-text part and an HTML alternative.

    A header cannot hold a line break, so the title's are folded into
    spaces in the subject; the body keeps them.
    """
    message = EmailMessage()
    message["Subject"] = f"[{LABELS[event.level]}] {one_line(event.title)}"
    message["From"] = from_address
    message["To"] = ", ".join(to_addresses)
    message["Date"] = event.timestamp
    # The sender's domain, not the host's name: looking that up can stall.
    message["Message-ID"] = make_msgid(domain=parseaddr(from_address)[1].rpartition("@")[2])
    message["X-Event-Kind"] = one_line(event.kind)
    message.set_content(plain_text(event))
    message.add_alternative(
        f"<!DOCTYPE html>\n<html><body>\n{html_text(event)}\n</body></html>\n", subtype="html"
    )
    return message


class EmailConfigForm(ServiceConfigForm):
    """The mail server and the addresses."""

    smtp_host: str = Field(
        title="Mail server", description="The SMTP server's host name.", min_length=1
    )
    smtp_port: int = Field(
        default=587,
        title="Port",
        description="Usually 587 with STARTTLS, 465 with SSL, 25 without encryption.",
        ge=1,
        le=65535,
    )
    security: Literal["none", "starttls", "ssl"] = Field(
        default="starttls",
        title="Security",
        description="STARTTLS upgrades the connection to TLS; SSL/TLS uses TLS from the "
        "start; None sends in the clear (only for a server on this machine or network).",
        json_schema_extra={
            "choice_labels": {"none": "None", "starttls": "STARTTLS", "ssl": "SSL/TLS"}
        },
    )
    authenticate: bool = Field(
        default=False,
        title="Log in to the server",
        description="Most servers want a user name and password before they send mail.",
    )
    username: RequiredText = Field(
        default="", title="User name", json_schema_extra=visible_when("authenticate")
    )
    password: SecretStr = Field(
        default=SecretStr(""),
        title="Password",
        description="The login password, if any.",
        json_schema_extra=visible_when("authenticate"),
    )
    from_address: str = Field(
        title="From", description="The sender's address, such as CI <ci@example.com>."
    )
    to_addresses: list[str] = Field(
        title="To",
        description="The recipients' addresses, one per entry.",
        min_length=1,
    )

    class Meta:
        """Fieldsets."""

        fieldsets = service_fieldsets(
            (
                "from_address",
                "to_addresses",
                "smtp_host",
                "smtp_port",
                "security",
                "authenticate",
                "username",
                "password",
            ),
            "Who receives the mails, and the server that sends them.",
        )

    @field_validator("from_address")
    @classmethod
    def _sender(cls, value: str) -> str:
        try:
            return check_address(value)
        except ValueError as e:
            raise PydanticCustomError("address", "{reason}.", {"reason": str(e)}) from e

    @field_validator("to_addresses")
    @classmethod
    def _recipients(cls, values: list[str]) -> list[str]:
        cleaned = [value.strip() for value in values if value.strip()]
        if not cleaned:
            raise PydanticCustomError("no_recipients", "Enter at least one address.")
        for number, value in enumerate(cleaned, start=1):
            try:
                check_address(value)
            except ValueError as e:
                raise PydanticCustomError(
                    "address", "Recipient {number}: {reason}.", {"number": number, "reason": str(e)}
                ) from e
        return cleaned


class EmailIntegration(ServiceIntegration):
    """Mails every event through an SMTP server."""

    integration_id = "builtin.email"
    name = "Email"
    description = "Mails events through your mail server."
    config_form_cls = EmailConfigForm
    icon_name = "email"
    settings_version = 2

    def migrate_settings(self, from_version: int, settings: dict[str, Any]) -> dict[str, Any]:
        """Version 2 added ``authenticate``: on where a user name was stored."""
        if from_version < 2:
            settings.setdefault("authenticate", bool(str(settings.get("username", "")).strip()))
        return settings

    def send(self, settings: Mapping[str, Any], event: Event, pool: DeliveryPool) -> Outcome:
        """Send the mail."""
        server = SmtpServer(
            host=settings["smtp_host"].strip(),
            port=settings["smtp_port"],
            security=settings["security"],
            username=settings["username"].strip(),
            password=settings["password"].get_secret_value(),
        )
        message = email_message(event, settings["from_address"], settings["to_addresses"])
        return pool.smtp.send(server, message)


class EmailExtension(Extension):
    """Provides the Email integration."""

    name = "Email"
    version = __version__
    description = "Mails events."

    def initialize(self) -> None:
        """Register the integration."""
        IntegrationHook(self, EmailIntegration)
