"""The outbox and the delivery log: the store methods the delivery pool uses.

Every store backend implements these methods, and the pool touches the
``outbox``, ``outbox_events`` and ``deliveries`` tables through them only:

- :meth:`enqueue_deliveries`: events and their pending deliveries, in one
  transaction (several events at once when emits come in fast).
- :meth:`claim_deliveries`: lease a few due deliveries to one worker. A lease
  expires, so the deliveries of a process that died are sent by the next
  one; on PostgreSQL the same claim is a ``SELECT ... FOR UPDATE SKIP
  LOCKED``.
- :meth:`defer_deliveries`: give leased deliveries back, to be tried later.
- :meth:`finish_deliveries`: write outcomes to the delivery log and delete
  their outbox rows, in one transaction per batch.
- :meth:`release_deliveries` and :meth:`lease_owners`: free the leases of a
  worker that stopped or died.
- :meth:`count_pending_deliveries`, :meth:`find_deliveries`: what is still
  to send, and the logged outcome of given deliveries.
- :meth:`prune_deliveries`: trim the delivery log, in small transactions.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from desktop_integrations.storage.wal_sync import SyncedWrites

if TYPE_CHECKING:
    from desktop_integrations.delivery.record import Delivery
    from desktop_integrations.storage.outbox_entries import OutboxEntry, PlannedDelivery

#: The delivery-log columns, in the order :meth:`OutboxTables.find_deliveries` returns them.
LOG_COLUMNS = (
    "id, config_id, integration_id, config_name, event_kind, time, status, response,"
    " duration_ms, error, attempts, delivery_id"
)
#: The most rows one pruning transaction deletes.
PRUNE_BATCH = 500


def shared_limit(due: int, limit: int, share: int) -> int:
    """Return how many of ``due`` deliveries one of ``share`` workers takes, at most ``limit``."""
    return max(1, min(limit, -(-due // share)))


class OutboxTables(SyncedWrites):
    """The outbox methods of :class:`~desktop_integrations.storage.ConfigStore`."""

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:  # noqa: D102
        raise NotImplementedError

    def enqueue_deliveries(self, batch: Sequence[tuple[str, Sequence[PlannedDelivery]]]) -> None:
        """Write events and their pending deliveries in one transaction.

        Written to the database's log when this returns, so a process that dies
        keeps them; the fsync for a machine crash follows in the background
        (see :meth:`outbox_flush`).

        Args:
            batch: Pairs of an event, as JSON, and its deliveries.

        Raises:
            StoreError: Nothing was written.
        """
        stamp = datetime.now(UTC).isoformat()
        count = sum(len(planned) for _, planned in batch)
        with self.outbox_transaction(f"queue {count} deliveries", durable=False) as conn:
            for event, planned in batch:
                event_id = conn.execute(
                    "INSERT INTO outbox_events (event) VALUES (?) RETURNING id", (event,)
                ).fetchone()[0]
                conn.executemany(
                    "INSERT INTO outbox (delivery_id, event_id, config_id, integration_id,"
                    " config_name, event_kind, time_added) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            p.delivery_id,
                            event_id,
                            p.config_id,
                            p.integration_id,
                            p.config_name,
                            p.event_kind,
                            stamp,
                        )
                        for p in planned
                    ],
                )
        self.outbox_flush(wait=False)

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
        """Lease up to ``limit`` due deliveries to ``owner``, oldest first.

        A delivery is due when its ``not_before`` time has come and it is not
        leased, or its lease has expired.

        Args:
            owner: Who takes them (see :meth:`lease_owners`).
            integration_ids: Only deliveries of these integrations (those the
                caller can send).
            limit: The most to take.
            lease: Seconds until the lease expires.
            now: The current time, in seconds since the epoch.
            share: Take only this share of what is due (one of ``share``
                workers), so a few due deliveries are spread over the workers
                while a long queue is taken ``limit`` at a time.
        """
        ids = json.dumps(sorted(integration_ids))
        with self.outbox_transaction("take pending deliveries", durable=False) as conn:
            if share > 1:
                due = conn.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM outbox WHERE not_before <= ?"
                    " AND lease_until <= ? AND integration_id IN (SELECT value FROM json_each(?))"
                    " LIMIT ?)",
                    (now, now, ids, limit * share),
                ).fetchone()[0]
                limit = shared_limit(due, limit, share)
            rows = conn.execute(
                "UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id IN ("
                " SELECT id FROM outbox WHERE not_before <= ? AND lease_until <= ?"
                " AND integration_id IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?)"
                " RETURNING id, delivery_id, event_id, config_id, integration_id, config_name,"
                " event_kind, attempts, time_added",
                (owner, now + lease, now, now, ids, limit),
            ).fetchall()
            event_ids = json.dumps(sorted({row["event_id"] for row in rows}))
            events = dict(
                conn.execute(
                    "SELECT id, event FROM outbox_events WHERE id IN"
                    " (SELECT value FROM json_each(?))",
                    (event_ids,),
                ).fetchall()
            )
        from desktop_integrations.storage.outbox_entries import claimed_entries

        return claimed_entries(rows, events)

    def defer_deliveries(self, deferred: Sequence[tuple[str, float, int]]) -> None:
        """Give leased deliveries back, each to be tried again from a given time.

        Args:
            deferred: ``(delivery_id, not_before, attempts)`` triples: the time
                (seconds since the epoch) and the attempts made so far.
        """
        if not deferred:
            return
        with self.outbox_transaction(f"postpone {len(deferred)} deliveries", durable=False) as conn:
            conn.executemany(
                "UPDATE outbox SET not_before = ?, attempts = ?, lease_owner = NULL,"
                " lease_until = 0 WHERE delivery_id = ?",
                [
                    (not_before, attempts, delivery_id)
                    for delivery_id, not_before, attempts in deferred
                ],
            )

    def finish_deliveries(self, deliveries: Sequence[Delivery]) -> list[int]:
        """Log outcomes and delete their deliveries from the outbox, in one transaction.

        Returns:
            The delivery-log row ID of each, in order.
        """
        with self.outbox_transaction(f"record {len(deliveries)} deliveries") as conn:
            row_ids = [
                int(
                    conn.execute(
                        "INSERT INTO deliveries (config_id, integration_id, config_name,"
                        " event_kind, time, status, response, duration_ms, error, attempts,"
                        " delivery_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
            finished = json.dumps([d.delivery_id for d in deliveries if d.delivery_id])
            events = conn.execute(
                "DELETE FROM outbox WHERE delivery_id IN (SELECT value FROM json_each(?))"
                " RETURNING event_id",
                (finished,),
            ).fetchall()
            conn.execute(
                "DELETE FROM outbox_events WHERE id IN (SELECT value FROM json_each(?))"
                " AND NOT EXISTS (SELECT 1 FROM outbox WHERE event_id = outbox_events.id)",
                (json.dumps(sorted({row[0] for row in events})),),
            )
        return row_ids

    def release_deliveries(self, owner: str) -> int:
        """End every lease of ``owner``; return how many deliveries it held."""
        with self.outbox_transaction("release leased deliveries", durable=False) as conn:
            cursor = conn.execute(
                "UPDATE outbox SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = ?",
                (owner,),
            )
            return cursor.rowcount

    def lease_owners(self, now: float) -> list[str]:
        """Return who holds a lease that has not expired."""
        rows = self.query(
            "SELECT DISTINCT lease_owner FROM outbox WHERE lease_owner IS NOT NULL"
            " AND lease_until > ?",
            (now,),
        )
        return [row[0] for row in rows]

    def count_pending_deliveries(
        self,
        integration_ids: Collection[str] | None = None,
        *,
        owner: str | None = None,
        now: float = 0.0,
    ) -> int:
        """Return how many deliveries wait in the outbox.

        Args:
            integration_ids: Count only those of these integrations.
            owner: Leave out those another owner holds a lease on that has not
                expired at ``now``.
            now: The current time, in seconds since the epoch.
        """
        sql = "SELECT count(*) FROM outbox WHERE 1"
        params: list[Any] = []
        if integration_ids is not None:
            sql += " AND integration_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(sorted(integration_ids)))
        if owner is not None:
            sql += " AND (lease_owner IS NULL OR lease_owner = ? OR lease_until <= ?)"
            params += [owner, now]
        return int(self.query(sql, tuple(params))[0][0])

    def find_deliveries(self, delivery_ids: Collection[str]) -> list[sqlite3.Row]:
        """Return the delivery-log rows (:data:`LOG_COLUMNS`) of these deliveries."""
        return self.query(
            f"SELECT {LOG_COLUMNS} FROM deliveries WHERE delivery_id IN"
            " (SELECT value FROM json_each(?))",
            (json.dumps(list(delivery_ids)),),
        )

    def prune_deliveries(
        self, config_ids: Collection[int | None], *, keep_per_config: int, keep_total: int
    ) -> int:
        """Delete the oldest log rows beyond the limits, a few hundred per transaction.

        Args:
            config_ids: The configurations whose rows to trim to ``keep_per_config``.
            keep_per_config: The rows kept per configuration.
            keep_total: The rows kept in all.

        Returns:
            How many rows were deleted.
        """
        deleted = 0
        for config_id in config_ids:
            deleted += self._prune(
                "SELECT id FROM deliveries WHERE config_id IS ? AND id <= (SELECT id FROM"
                " deliveries WHERE config_id IS ? ORDER BY id DESC LIMIT 1 OFFSET ?)"
                " ORDER BY config_id, id LIMIT ?",
                (config_id, config_id, keep_per_config),
            )
        deleted += self._prune(
            "SELECT id FROM deliveries WHERE id <= (SELECT id FROM deliveries"
            " ORDER BY id DESC LIMIT 1 OFFSET ?) ORDER BY id LIMIT ?",
            (keep_total,),
        )
        return deleted

    def _prune(self, select: str, params: tuple[Any, ...]) -> int:
        deleted = 0
        while True:
            with self.outbox_transaction("trim the delivery log", durable=False) as conn:
                count = conn.execute(
                    f"DELETE FROM deliveries WHERE id IN ({select})", (*params, PRUNE_BATCH)
                ).rowcount
            deleted += count
            if count < PRUNE_BATCH:
                return deleted
