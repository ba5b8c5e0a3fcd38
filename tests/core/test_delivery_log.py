"""The delivery pool and the delivery log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from desktop_integrations import Integration, IntegrationManager, Store
from desktop_integrations.delivery import (
    Delivery,
    DeliveryError,
    DeliveryPool,
    Outcome,
    recent_deliveries,
    record_delivery,
)
from desktop_integrations.events import Event
from tests.servers import fast_pool


class Dummy(Integration):
    integration_id = "test.dummy"
    name = "Dummy"


@pytest.fixture
def store(any_store: Store) -> Store:
    """The delivery log on both backends."""
    return any_store


@pytest.fixture
def pool() -> Iterator[DeliveryPool]:
    pool = fast_pool()
    yield pool
    pool.shutdown()


def delivery(config_id: int | None, status: str = "delivered", **fields: object) -> Delivery:
    return Delivery(
        config_id=config_id,
        config_name=f"config {config_id}",
        integration_id="test.dummy",
        event_kind="build.failed",
        time=datetime.now(UTC),
        status=status,  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )


def test_a_recorded_delivery_reads_back_with_every_column(store: Store) -> None:
    written = record_delivery(
        store,
        delivery(
            7,
            "failed",
            response="HTTP 503 Service Unavailable",
            duration_ms=12.5,
            error="The service refused the message: down",
            attempts=3,
        ),
    )
    assert written.id is not None
    [read] = recent_deliveries(store, 7)
    assert read == written
    assert read.time.tzinfo is not None


def test_recent_deliveries_are_newest_first_and_per_configuration(store: Store) -> None:
    for kind in ("a", "b", "c"):
        record_delivery(store, delivery(1, error=kind))
    record_delivery(store, delivery(2, error="other"))
    assert [d.error for d in recent_deliveries(store, 1)] == ["c", "b", "a"]
    assert [d.error for d in recent_deliveries(store, 1, limit=2)] == ["c", "b"]
    assert [d.config_id for d in recent_deliveries(store)] == [2, 1, 1, 1]


def test_the_log_is_pruned_per_configuration_and_in_total(store: Store) -> None:
    for number in range(6):
        record_delivery(store, delivery(1, error=str(number)), keep_per_config=3)
    record_delivery(store, delivery(2), keep_per_config=3)
    assert [d.error for d in recent_deliveries(store, 1)] == ["5", "4", "3"]
    assert len(recent_deliveries(store, 2)) == 1
    record_delivery(store, delivery(3), keep_total=2)
    assert [d.config_id for d in recent_deliveries(store)] == [3, 2]


def test_the_pool_logs_a_success_with_its_answer(
    manager: IntegrationManager, pool: DeliveryPool
) -> None:
    manager.register_integration_class(Dummy)
    config = manager.get_integration("test.dummy").create_config(name="Ops", save=True)
    event = Event(kind="deploy.done", title="Deployed")
    result = pool.submit(manager.store, config, event, lambda: Outcome("HTTP 200 OK", 2)).result()
    assert (result.status, result.response, result.attempts) == ("delivered", "HTTP 200 OK", 2)
    assert (result.config_name, result.event_kind) == ("Ops", "deploy.done")
    assert recent_deliveries(manager.store, config.id) == [result]


def test_the_pool_turns_any_failure_into_a_logged_failed_delivery(
    manager: IntegrationManager, pool: DeliveryPool
) -> None:
    manager.register_integration_class(Dummy)
    config = manager.get_integration("test.dummy").create_config(name="Ops", save=True)
    event = Event(title="Deployed")

    def refused() -> Outcome:
        raise DeliveryError(
            "The service refused the message: bad token", response="HTTP 403 Forbidden", attempts=1
        )

    def crashed() -> Outcome:
        raise KeyError("channel")

    first = pool.submit(manager.store, config, event, refused).result()
    second = pool.submit(manager.store, config, event, crashed).result()
    assert (first.status, first.response, first.error) == (
        "failed",
        "HTTP 403 Forbidden",
        "The service refused the message: bad token",
    )
    assert second.status == "failed" and "KeyError" in second.error
    assert [d.status for d in recent_deliveries(manager.store, config.id)] == ["failed"] * 2


def test_a_delivery_summary_reads_as_one_line() -> None:
    ok = delivery(1, response="HTTP 200 OK", duration_ms=41.6)
    bad = delivery(1, "failed", error="Could not connect", attempts=3)
    assert ok.summary() == "delivered  'config 1' (test.dummy): HTTP 200 OK in 42 ms"
    assert bad.summary().startswith("FAILED     'config 1' (test.dummy): Could not connect")
    assert "3 attempts" in bad.summary() and "\n" not in bad.summary()


def test_a_long_log_is_trimmed_to_the_newest_rows_over_several_transactions(
    store: Store,
) -> None:
    from desktop_integrations.storage.outbox import PRUNE_BATCH

    rows = [delivery(1, error=str(n)) for n in range(PRUNE_BATCH * 2 + 300)]
    store.finish_deliveries(rows)
    deleted = store.prune_deliveries([1], keep_per_config=200, keep_total=5000)
    assert deleted == len(rows) - 200
    kept = recent_deliveries(store, 1, limit=1000)
    assert [d.error for d in kept] == [str(n) for n in range(len(rows) - 1, len(rows) - 201, -1)]
