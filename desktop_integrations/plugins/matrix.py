"""The Matrix integration: sends every event to a room as an ``m.room.message``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from pydantic import Field, HttpUrl, SecretStr, field_validator
from pydantic_core import PydanticCustomError

from desktop_integrations import Extension, IntegrationHook, __version__
from desktop_integrations.delivery import (
    DeliveryPool,
    Outcome,
    ServiceConfigForm,
    ServiceIntegration,
    delivery_id,
    service_fieldsets,
)
from desktop_integrations.delivery.http import JSON_HEADERS, to_json_bytes
from desktop_integrations.delivery.payloads import matrix_content
from desktop_integrations.events import Event

_ROOM_ID = re.compile(r"^![^:\s]+:\S+$")


def send_url(server: str, room_id: str, txn_id: str) -> str:
    """Return the client-server API address that sends a message to a room."""
    return (
        f"{server.rstrip('/')}/_matrix/client/v3/rooms/{quote(room_id, safe='')}"
        f"/send/m.room.message/{quote(txn_id, safe='')}"
    )


class MatrixConfigForm(ServiceConfigForm):
    """The homeserver, the room, and the account that posts."""

    server: HttpUrl = Field(
        title="Homeserver URL",
        description="The address of the homeserver of the posting account, such as "
        "https://matrix.example.org.",
    )
    room_id: str = Field(
        title="Room ID",
        description="The room's internal ID, such as !AbCdEf:example.org (in Element: "
        "Room settings > Advanced). The account must have joined the room.",
    )
    access_token: SecretStr = Field(
        title="Access token",
        description="The posting account's access token (in Element: Settings > Help & "
        "About > Access token). A dedicated bot account is best.",
        min_length=1,
    )

    class Meta:
        """Fieldsets."""

        fieldsets = service_fieldsets(
            ("server", "room_id", "access_token"),
            "The room that receives the messages, and the account that posts them.",
        )

    @field_validator("room_id")
    @classmethod
    def _room_id(cls, value: str) -> str:
        value = value.strip()
        if not _ROOM_ID.match(value):
            raise PydanticCustomError(
                "room_id",
                "Enter the room's ID, which starts with ! and contains :, such as "
                "!AbCdEf:example.org (a room alias such as #room:example.org does not work).",
            )
        return value


class MatrixIntegration(ServiceIntegration):
    """Sends every event to a Matrix room through the client-server API."""

    integration_id = "builtin.matrix"
    name = "Matrix"
    description = "Sends events to a Matrix room."
    config_form_cls = MatrixConfigForm
    icon_name = "matrix"

    def send(self, settings: Mapping[str, Any], event: Event, pool: DeliveryPool) -> Outcome:
        """PUT the message; the delivery ID as transaction ID makes repeats idempotent."""
        url = send_url(str(settings["server"]), settings["room_id"], delivery_id())
        token = settings["access_token"].get_secret_value()
        headers = {**JSON_HEADERS, "Authorization": f"Bearer {token}"}
        content = to_json_bytes(matrix_content(event))
        return pool.http.request("PUT", url, content=content, headers=headers)


class MatrixExtension(Extension):
    """Provides the Matrix integration."""

    name = "Matrix"
    version = __version__
    description = "Sends events to Matrix rooms."

    def initialize(self) -> None:
        """Register the integration."""
        IntegrationHook(self, MatrixIntegration)
