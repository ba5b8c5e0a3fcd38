"""The Matrix integration: sends every event to a room as an ``m.room.message``."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from pydantic import Field, HttpUrl, SecretStr, field_validator
from pydantic_core import PydanticCustomError

from desktop_integrations import Extension, IntegrationHook, __version__
from desktop_integrations.delivery import (
    DeliveryError,
    DeliveryPool,
    Outcome,
    ServiceConfigForm,
    ServiceIntegration,
    delivery_id,
    service_fieldsets,
)
from desktop_integrations.delivery.formatting import html_text, plain_text
from desktop_integrations.delivery.http import JSON_HEADERS, to_json_bytes
from desktop_integrations.events import Event

if TYPE_CHECKING:
    from desktop_integrations import IntegrationManager

# A room ID is "!" and an opaque ID, followed by ":server" up to room version
# 11; from version 12 on there is no server part.
_ROOM_ID = re.compile(r"^![\x21-\x7e]+$")
_ROOM_ALIAS = re.compile(r"^#[^:\s]+:[\x21-\x7e]+$")


def matrix_content(event: Event) -> dict[str, Any]:
    """Return the content of a Matrix ``m.room.message`` event."""
    return {
        "msgtype": "m.notice" if event.level in ("info", "success") else "m.text",
        "body": plain_text(event),
        "format": "org.matrix.custom.html",
        "formatted_body": html_text(event),
    }


def _api(server: str, path: str) -> str:
    return f"{server.rstrip('/')}/_matrix/client/v3/{path}"


def send_url(server: str, room_id: str, txn_id: str) -> str:
    """Return the client-server API address that sends a message to a room."""
    return _api(
        server,
        f"rooms/{quote(room_id, safe='')}/send/m.room.message/{quote(txn_id, safe='')}",
    )


def resolve_alias(server: str, alias: str, timeout: float) -> str:
    """Return the ID of the room a ``#room:server`` alias names, asking ``server``.

    Raises:
        DeliveryError: The homeserver does not know the alias or cannot be reached.
    """
    import httpx

    url = _api(server, f"directory/room/{quote(alias, safe='')}")
    origin = urlsplit(url)._replace(path="", query="", fragment="").geturl()
    try:
        response = httpx.get(url, headers=JSON_HEADERS, timeout=timeout)
    except httpx.HTTPError as e:
        raise DeliveryError(
            f"Could not look up the room {alias} on {origin}: {type(e).__name__}"
        ) from None
    answer = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    try:
        room_id = response.json().get("room_id") if response.is_success else None
    except (ValueError, AttributeError):
        room_id = None
    if not isinstance(room_id, str) or not _ROOM_ID.match(room_id):
        raise DeliveryError(f"{origin} does not know the room {alias}", response=answer)
    return room_id


class MatrixConfigForm(ServiceConfigForm):
    """The homeserver, the room, and the account that posts."""

    server: HttpUrl = Field(
        title="Homeserver URL",
        description="The address of the homeserver of the posting account, such as "
        "https://matrix.example.org.",
    )
    room_id: str = Field(
        title="Room",
        description="The room's address, such as #ops:example.org, or its internal ID, "
        "which starts with ! (in Element: Room settings > Advanced). The account must "
        "have joined the room.",
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
        if not (_ROOM_ID.match(value) or _ROOM_ALIAS.match(value)):
            raise PydanticCustomError(
                "room_id",
                "Enter the room's address, such as #ops:example.org, or its ID, which "
                "starts with !, such as !AbCdEf:example.org.",
            )
        return value


class MatrixIntegration(ServiceIntegration):
    """Sends every event to a Matrix room through the client-server API."""

    integration_id = "builtin.matrix"
    name = "Matrix"
    description = "Sends events to a Matrix room."
    config_form_cls = MatrixConfigForm
    icon_name = "matrix"

    def __init__(self, integration_mgr: IntegrationManager) -> None:
        super().__init__(integration_mgr)
        # Room IDs of the aliases looked up, by (homeserver, alias).
        self._rooms: dict[tuple[str, str], str] = {}
        self._rooms_lock = threading.Lock()

    def room_id(self, server: str, room: str, pool: DeliveryPool) -> str:
        """Return the ID of ``room``, looking an alias up once per homeserver."""
        if not room.startswith("#"):
            return room
        with self._rooms_lock:
            known = self._rooms.get((server, room))
        if known is None:
            known = resolve_alias(server, room, pool.http.read_timeout)
            with self._rooms_lock:
                self._rooms[server, room] = known
        return known

    def send(self, settings: Mapping[str, Any], event: Event, pool: DeliveryPool) -> Outcome:
        """PUT the message; the delivery ID as transaction ID makes repeats idempotent."""
        server = str(settings["server"])
        room_id = self.room_id(server, settings["room_id"], pool)
        url = send_url(server, room_id, delivery_id())
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
