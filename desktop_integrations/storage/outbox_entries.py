"""The outbox's rows as the delivery pool sees them: deliveries planned, and deliveries leased.

Kept apart from :mod:`~desktop_integrations.storage.outbox`, whose methods
every store has from the start: these are needed only once events are
emitted or delivered, and opening the app's window does neither.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class PlannedDelivery:
    """One delivery to write to the outbox.

    Attributes:
        delivery_id: The stable ID the service receives with it.
        config_id: The configuration that sends it.
        integration_id: The configuration's integration.
        config_name: The configuration's name when the event was emitted.
        event_kind: The event's kind.
    """

    delivery_id: str
    config_id: int | None
    integration_id: str
    config_name: str
    event_kind: str


@dataclass(frozen=True)
class OutboxEntry:
    """A pending delivery leased to a worker.

    Attributes:
        delivery_id: The stable delivery ID.
        event: The event, as JSON.
        config_id: The configuration that sends it.
        integration_id: The configuration's integration.
        config_name: The configuration's name when the event was emitted.
        event_kind: The event's kind.
        attempts: How many attempts were made before this one.
        time_added: When the event was emitted.
    """

    delivery_id: str
    event: str
    config_id: int | None
    integration_id: str
    config_name: str
    event_kind: str
    attempts: int
    time_added: datetime


def claimed_entries(rows: Sequence[Any], events: Mapping[Any, str]) -> list[OutboxEntry]:
    """Return claimed ``outbox`` rows as entries, oldest first, each with its event."""
    return [
        OutboxEntry(
            delivery_id=row["delivery_id"],
            event=events[row["event_id"]],
            config_id=row["config_id"],
            integration_id=row["integration_id"],
            config_name=row["config_name"],
            event_kind=row["event_kind"],
            attempts=row["attempts"],
            time_added=datetime.fromisoformat(row["time_added"]),
        )
        for row in sorted(rows, key=lambda row: int(row["id"]))
    ]
