"""The delivery log: the ``deliveries`` table, pruned to a bounded size."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from desktop_integrations.delivery.record import Delivery
from desktop_integrations.storage import Store
from desktop_integrations.storage.outbox import LOG_COLUMNS

#: Rows kept per configuration; older ones are deleted as new ones arrive.
KEEP_PER_CONFIG = 200
#: Rows kept in all, so configurations deleted long ago do not pile up.
KEEP_TOTAL = 5000


def record_delivery(
    store: Store,
    delivery: Delivery,
    *,
    keep_per_config: int = KEEP_PER_CONFIG,
    keep_total: int = KEEP_TOTAL,
) -> Delivery:
    """Add ``delivery`` to the log, prune old rows, and return it with its row ID.

    The outbox's workers record their deliveries in batches; this records one
    that did not go through the outbox (a test event, a custom send).

    Raises:
        StoreError: The database could not be written.
    """
    [row_id] = store.finish_deliveries([delivery])
    store.prune_deliveries(
        [delivery.config_id], keep_per_config=keep_per_config, keep_total=keep_total
    )
    return replace(delivery, id=row_id)


def from_row(row: Any) -> Delivery:
    """Return the delivery of a delivery-log row (a mapping of :data:`LOG_COLUMNS`)."""
    return Delivery(
        id=row["id"],
        config_id=row["config_id"],
        integration_id=row["integration_id"],
        config_name=row["config_name"],
        event_kind=row["event_kind"],
        time=datetime.fromisoformat(row["time"]),
        status=row["status"],
        response=row["response"],
        duration_ms=row["duration_ms"],
        error=row["error"],
        attempts=row["attempts"],
        delivery_id=row["delivery_id"],
    )


def recent_deliveries(
    store: Store, config_id: int | None = None, limit: int = 50
) -> list[Delivery]:
    """Return the newest deliveries, newest first.

    Args:
        store: The database.
        config_id: Only those of this configuration; None for every one.
        limit: The most rows to return.

    Raises:
        StoreError: The database could not be read.
    """
    if config_id is None:
        rows = store.query(
            f"SELECT {LOG_COLUMNS} FROM deliveries ORDER BY id DESC LIMIT ?", (limit,)
        )
    else:
        rows = store.query(
            f"SELECT {LOG_COLUMNS} FROM deliveries WHERE config_id = ? ORDER BY id DESC LIMIT ?",
            (config_id, limit),
        )
    return [from_row(row) for row in rows]
