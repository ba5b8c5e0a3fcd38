"""The outbox on PostgreSQL: the statements of ``outbox.py`` that differ from SQLite's.

Workers on every machine of the team share one outbox. A claim takes due rows
with ``SELECT … FOR UPDATE SKIP LOCKED``, so two workers claiming at once never
get the same delivery, and writes a lease; a worker that dies (SIGKILL, a lost
machine) leaves its lease to expire, and the next claim after that takes the
rows over. Leases compare the workers' clocks: keep the machines' time in
sync (NTP), as for any lease.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from desktop_integrations.storage.outbox import LOG_COLUMNS, OutboxTables, shared_limit
from desktop_integrations.storage.outbox_entries import (
    OutboxEntry,
    PlannedDelivery,
    claimed_entries,
)
from desktop_integrations.storage.pg_connect import Connection

if TYPE_CHECKING:
    from desktop_integrations.delivery.record import Delivery

_CLAIM = (
    "WITH due AS (SELECT id FROM outbox WHERE not_before <= %s AND lease_until <= %s"
    " AND integration_id = ANY(%s) ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)"
    " UPDATE outbox SET lease_owner = %s, lease_until = %s FROM due WHERE outbox.id = due.id"
    " RETURNING outbox.id, delivery_id, event_id, config_id, integration_id, config_name,"
    " event_kind, attempts, time_added"
)


class PostgresOutbox(OutboxTables):
    """The outbox methods of :class:`~desktop_integrations.storage.postgres.PostgresStore`.

    The statements SQLite and PostgreSQL share (releasing leases, pruning the
    log) are inherited; the rest use PostgreSQL's arrays and row locks.
    """

    def transaction(self, action: str) -> AbstractContextManager[Connection]:  # type: ignore[override]  # noqa: D102
        raise NotImplementedError

    def outbox_transaction(  # type: ignore[override]
        self, action: str, *, durable: bool = True
    ) -> AbstractContextManager[Connection]:
        """Run a block of outbox writes as one transaction: durable on commit."""
        return self.transaction(action)

    def outbox_flush(self, *, wait: bool = True) -> None:
        """Nothing to do: every commit is durable as it returns."""

    def enqueue_deliveries(self, batch: Sequence[tuple[str, Sequence[PlannedDelivery]]]) -> None:
        """Write events and their pending deliveries in one transaction."""
        stamp = datetime.now(UTC).isoformat()
        count = sum(len(planned) for _, planned in batch)
        with self.transaction(f"queue {count} deliveries") as conn:
            for event, planned in batch:
                event_id = conn.execute(
                    "INSERT INTO outbox_events (event) VALUES (?) RETURNING id", (event,)
                ).fetchone()[0]
                conn.raw.cursor().executemany(
                    "INSERT INTO outbox (delivery_id, event_id, config_id, integration_id,"
                    " config_name, event_kind, time_added) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [
                        (p.delivery_id, event_id, p.config_id, p.integration_id,
                         p.config_name, p.event_kind, stamp)
                        for p in planned
                    ],
                )  # fmt: skip

    def claim_deliveries(
        self,
        owner: str,
        integration_ids: Collection[str],
        *,
        limit: int,
        lease: float,
        now: float,
        share: int = 1,
    ) -> list[OutboxEntry]:
        """Lease up to ``limit`` due deliveries to ``owner``, oldest first (see ``outbox.py``)."""
        ids = sorted(integration_ids)
        with self.transaction("take pending deliveries") as conn:
            if share > 1:
                due = conn.raw.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM outbox WHERE not_before <= %s"
                    " AND lease_until <= %s AND integration_id = ANY(%s) LIMIT %s) AS due",
                    (now, now, ids, limit * share),
                ).fetchall()[0][0]
                limit = shared_limit(due, limit, share)
            rows = conn.raw.execute(_CLAIM, (now, now, ids, limit, owner, now + lease)).fetchall()
            event_ids = sorted({row["event_id"] for row in rows})
            events = {
                row[0]: row[1]
                for row in conn.raw.execute(
                    "SELECT id, event FROM outbox_events WHERE id = ANY(%s)", (event_ids,)
                ).fetchall()
            }
        return claimed_entries(rows, events)

    def defer_deliveries(self, deferred: Sequence[tuple[str, float, int]]) -> None:
        """Give leased deliveries back, each to be tried again from a given time."""
        if not deferred:
            return
        with self.transaction(f"postpone {len(deferred)} deliveries") as conn:
            conn.raw.cursor().executemany(
                "UPDATE outbox SET not_before = %s, attempts = %s, lease_owner = NULL,"
                " lease_until = 0 WHERE delivery_id = %s",
                [
                    (not_before, attempts, delivery_id)
                    for delivery_id, not_before, attempts in deferred
                ],
            )

    def finish_deliveries(self, deliveries: Sequence[Delivery]) -> list[int]:
        """Log outcomes and delete their deliveries from the outbox, in one transaction."""
        with self.transaction(f"record {len(deliveries)} deliveries") as conn:
            row_ids = [
                int(
                    conn.execute(
                        "INSERT INTO deliveries (config_id, integration_id, config_name,"
                        " event_kind, time, status, response, duration_ms, error, attempts,"
                        " delivery_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        " RETURNING id",
                        (
                            d.config_id,
                            d.integration_id,
                            d.config_name,
                            d.event_kind,
                            d.time.isoformat(),
                            d.status,
                            d.response,
                            d.duration_ms,
                            d.error,
                            d.attempts,
                            d.delivery_id,
                        ),
                    ).fetchone()[0]
                )
                for d in deliveries
            ]
            finished = [d.delivery_id for d in deliveries if d.delivery_id]
            events = conn.raw.execute(
                "DELETE FROM outbox WHERE delivery_id = ANY(%s) RETURNING event_id", (finished,)
            ).fetchall()
            conn.raw.execute(
                "DELETE FROM outbox_events WHERE id = ANY(%s)"
                " AND NOT EXISTS (SELECT 1 FROM outbox WHERE event_id = outbox_events.id)",
                (sorted({row[0] for row in events}),),
            )
        return row_ids

    def count_pending_deliveries(
        self,
        integration_ids: Collection[str] | None = None,
        *,
        owner: str | None = None,
        now: float = 0.0,
    ) -> int:
        """Return how many deliveries wait in the outbox (see ``outbox.py``)."""
        sql = "SELECT count(*) FROM outbox WHERE true"
        params: list[Any] = []
        if integration_ids is not None:
            sql += " AND integration_id = ANY(?)"
            params.append(sorted(integration_ids))
        if owner is not None:
            sql += " AND (lease_owner IS NULL OR lease_owner = ? OR lease_until <= ?)"
            params += [owner, now]
        return int(self.query(sql, tuple(params))[0][0])

    def find_deliveries(self, delivery_ids: Collection[str]) -> list[Any]:
        """Return the delivery-log rows (:data:`LOG_COLUMNS`) of these deliveries."""
        return self.query(
            f"SELECT {LOG_COLUMNS} FROM deliveries WHERE delivery_id = ANY(?)",
            (list(delivery_ids),),
        )
