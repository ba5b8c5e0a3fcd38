"""The outbox shared by workers of several processes or machines, on both backends."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_integrations import Store, open_store
from desktop_integrations.delivery.record import Delivery
from desktop_integrations.storage.outbox_entries import OutboxEntry, PlannedDelivery

CLAIMER = """
import sys, threading
from desktop_integrations import open_store
store = open_store(sys.argv[1])
claimed = store.claim_deliveries("far-host/1/dead", ["test.out"], limit=10, lease=600, now=0.0)
print(len(claimed), flush=True)
threading.Event().wait()
"""


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


def enqueue(store: Store, count: int) -> set[str]:
    ids = [f"delivery-{number}" for number in range(count)]
    planned = [PlannedDelivery(i, None, "test.out", "Out", "build.failed") for i in ids]
    store.enqueue_deliveries([('{"title": "t"}', planned[: count // 2])])
    store.enqueue_deliveries([('{"title": "u"}', planned[count // 2 :])])
    return set(ids)


def finish(store: Store, entries: list[OutboxEntry]) -> None:
    store.finish_deliveries(
        [
            Delivery(
                config_id=None,
                config_name=e.config_name,
                integration_id=e.integration_id,
                event_kind=e.event_kind,
                time=datetime.now(UTC),
                status="delivered",
                delivery_id=e.delivery_id,
            )
            for e in entries
        ]
    )


@pytest.fixture
def workers(store_target: str) -> Iterator[list[Store]]:
    stores = [open_store(store_target) for _ in range(3)]
    yield stores
    for worker in stores:
        worker.close()


def test_concurrent_claims_never_share_a_delivery(store: Store, workers: list[Store]) -> None:
    expected = enqueue(store, 120)
    claimed: list[list[str]] = [[] for _ in workers]

    def work(number: int) -> None:
        worker = workers[number]
        while entries := worker.claim_deliveries(
            f"host/{number}", ["test.out"], limit=7, lease=600, now=time.time()
        ):
            claimed[number] += [e.delivery_id for e in entries]
            finish(worker, entries)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(len(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [i for ids in claimed for i in ids]
    assert sorted(every) == sorted(expected)  # each delivery once, none twice
    logged = [row["delivery_id"] for row in store.find_deliveries(expected)]
    assert sorted(logged) == sorted(expected)
    assert store.count_pending_deliveries() == 0


def test_a_killed_workers_claims_are_delivered_once_by_another_after_the_lease(
    store: Store, store_target: str
) -> None:
    expected = enqueue(store, 10)
    with subprocess.Popen(
        [sys.executable, "-c", CLAIMER, store_target],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "10"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(30)
    assert store.lease_owners(now=1.0) == ["far-host/1/dead"]
    assert store.claim_deliveries("here/2/alive", ["test.out"], limit=50, lease=60, now=1.0) == []
    after_lease = 601.0
    entries = store.claim_deliveries(
        "here/2/alive", ["test.out"], limit=50, lease=60, now=after_lease
    )
    assert {e.delivery_id for e in entries} == expected
    finish(store, entries)
    again = store.claim_deliveries("here/2/alive", ["test.out"], limit=50, lease=60, now=9e9)
    assert again == []
    logged = [row["delivery_id"] for row in store.find_deliveries(expected)]
    assert sorted(logged) == sorted(expected)
