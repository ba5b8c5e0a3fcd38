"""The delivery log: the ``deliveries`` table, pruned to a bounded size."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime

from desktop_integrations.delivery.record import Delivery
from desktop_integrations.storage import Store

#: Rows kept per configuration; older ones are deleted as new ones arrive.
KEEP_PER_CONFIG = 200
#: Rows kept in all, so configurations deleted long ago do not pile up.
KEEP_TOTAL = 5000

_COLUMNS = (
    "id, config_id, integration_id, config_name, event_kind, time, status, response,"
    " duration_ms, error, attempts"
)


def record_delivery(
    store: Store,
    delivery: Delivery,
    *,
    keep_per_config: int = KEEP_PER_CONFIG,
    keep_total: int = KEEP_TOTAL,
) -> Delivery:
    """Add ``delivery`` to the log, prune old rows, and return it with its row ID.

    Raises:
        StoreError: The database could not be written.
    """
    with store.transaction(f"record the delivery to {delivery.config_name!r}") as conn:
        row = conn.execute(
            "INSERT INTO deliveries (config_id, integration_id, config_name, event_kind, time,"
            " status, response, duration_ms, error, attempts)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                delivery.config_id,
                delivery.integration_id,
                delivery.config_name,
                delivery.event_kind,
                delivery.time.isoformat(),
                delivery.status,
                delivery.response,
                delivery.duration_ms,
                delivery.error,
                delivery.attempts,
            ),
        ).fetchone()
        conn.execute(
            "DELETE FROM deliveries WHERE config_id IS ? AND id <= (SELECT id FROM deliveries"
            " WHERE config_id IS ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
            (delivery.config_id, delivery.config_id, keep_per_config),
        )
        conn.execute(
            "DELETE FROM deliveries WHERE id <= (SELECT id FROM deliveries"
            " ORDER BY id DESC LIMIT 1 OFFSET ?)",
            (keep_total,),
        )
    return replace(delivery, id=int(row[0]))


def _from_row(row: sqlite3.Row) -> Delivery:
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
        rows = store.query(f"SELECT {_COLUMNS} FROM deliveries ORDER BY id DESC LIMIT ?", (limit,))
    else:
        rows = store.query(
            f"SELECT {_COLUMNS} FROM deliveries WHERE config_id = ? ORDER BY id DESC LIMIT ?",
            (config_id, limit),
        )
    return [_from_row(row) for row in rows]
