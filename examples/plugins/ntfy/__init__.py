"""ntfy: an example plugin that sends events as push notifications through ntfy.

ntfy (https://ntfy.sh) delivers what is posted to a topic to every phone and
desktop subscribed to it. Copy this folder into your plugins folder and
rescan the plugins (or restart the app): "ntfy" appears in the list of
integrations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import Any, Literal

from pydantic import Field, HttpUrl, SecretStr, field_validator
from pydantic_core import PydanticCustomError

from desktop_integrations import (
    DeliveryPool,
    Event,
    Extension,
    IntegrationHook,
    Outcome,
    RequiredText,
    ServiceConfigForm,
    ServiceIntegration,
    visible_when,
)

#: ntfy's priority (1 to 5) and emoji tag for each level of event.
LEVELS = {
    "info": (3, "information_source"),
    "success": (3, "white_check_mark"),
    "warning": (4, "warning"),
    "error": (5, "rotating_light"),
}
#: The priorities a configuration can choose instead of the event's level.
PRIORITIES = {"min": 1, "low": 2, "default": 3, "high": 4, "urgent": 5}
TOPIC = re.compile(r"[-_A-Za-z0-9]{1,64}")


class NtfyConfigForm(ServiceConfigForm):
    """Where to post, how to log in, and how the notifications look."""

    server: HttpUrl = Field(
        title="Server",
        description="https://ntfy.sh, or the address of your own ntfy server.",
    )
    topic: RequiredText = Field(
        title="Topic",
        description="Anyone who knows a topic on ntfy.sh can read it: choose one that is "
        "hard to guess.",
    )
    use_token: bool = Field(default=False, title="Log in with an access token")
    token: SecretStr = Field(
        default=SecretStr(""),
        title="Access token",
        description="Made under Account, Access tokens; it starts with tk_.",
        json_schema_extra=visible_when("use_token"),
    )
    priority: Literal["by level", "min", "low", "default", "high", "urgent"] = Field(
        default="by level",
        title="Priority",
        description="By level: errors are urgent, warnings high, the rest default.",
    )
    tags: list[str] = Field(
        default_factory=list,
        title="Tags",
        description="Shown with each notification; emoji short codes such as tada "
        "show as the emoji.",
    )

    class Meta:
        """How the configuration dialog groups the fields."""

        fieldsets = (
            (
                "What To Post",
                {
                    "description": "Every event, or only those that match the rules.",
                    "fields": ("conditions",),
                },
            ),
            (
                "Where To Post",
                {
                    "description": "Subscribe to the topic in the ntfy app to receive "
                    "the notifications.",
                    "fields": ("server", "topic"),
                },
            ),
            ("Access", {"fields": ("use_token", "token")}),
            ("Appearance", {"fields": ("priority", "tags"), "classes": ("collapse",)}),
        )

    @field_validator("topic")
    @classmethod
    def _check_topic(cls, value: str) -> str:
        if not TOPIC.fullmatch(value):
            raise PydanticCustomError("topic", "Use up to 64 letters, digits, - and _.")
        return value


def notification(settings: Mapping[str, Any], event: Event) -> dict[str, Any]:
    """Return the JSON that ntfy publishes for ``event``."""
    level_priority, emoji = LEVELS[event.level]
    lines = [event.body] if event.body else []
    lines += [f"{name}: {value}" for name, value in event.fields.items()]
    payload: dict[str, Any] = {
        "topic": settings["topic"],
        "title": event.title,
        "message": "\n".join(lines) or event.title,
        "priority": PRIORITIES.get(settings["priority"], level_priority),
        "tags": [emoji, *settings["tags"]],
    }
    if event.url:
        payload["click"] = event.url
    return payload


class NtfyIntegration(ServiceIntegration):
    """Sends each event whose conditions match to the topic of every enabled configuration."""

    integration_id = "examples.ntfy"
    name = "ntfy"
    description = "Sends push notifications to phones and desktops through ntfy."
    default_settings = {"server": "https://ntfy.sh/", "priority": "by level"}
    config_form_cls = NtfyConfigForm

    @cached_property
    def icon_static_urls(self) -> dict[str, str]:
        """The icons, from this plugin's own ``icons`` folder."""
        return {
            "1x": NtfyExtension.get_static_url("icons/ntfy.png"),
            "2x": NtfyExtension.get_static_url("icons/ntfy@2x.png"),
        }

    def send(self, settings: Mapping[str, Any], event: Event, pool: DeliveryPool) -> Outcome:
        """Publish the notification; runs on a delivery worker."""
        headers = {}
        if settings["use_token"]:
            headers["Authorization"] = f"Bearer {settings['token'].get_secret_value()}"
        return pool.http.post_json(
            str(settings["server"]), notification(settings, event), headers=headers
        )


class NtfyExtension(Extension):
    """Registers the ntfy integration while the plugin is enabled."""

    name = "ntfy"
    version = "1.0"
    description = "Adds the ntfy integration."

    def initialize(self) -> None:
        """Register the integration."""
        IntegrationHook(self, NtfyIntegration)
