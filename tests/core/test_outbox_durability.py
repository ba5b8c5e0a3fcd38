"""Outbox writes: on disk before emit() returns, whatever the threads; saves stay durable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_integrations import ConfigStore, IntegrationManager
from desktop_integrations.delivery import DELIVERY_ID_HEADER, recent_deliveries
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.webhook import WebhookExtension
from desktop_integrations.storage import wal_sync
from tests.core.test_delivery_recovery import EMITTER, add_hook, pending_ids
from tests.servers import fast_pool, installed, recording_server

FULL = 2  # PRAGMA synchronous


def test_emits_from_many_threads_survive_a_kill_right_after_they_return(db_path: Path) -> None:
    path = str(db_path)
    with recording_server() as server:
        add_hook(path, server.url + "/hook")
        server.gate.clear()  # nothing the child sends is answered
        with subprocess.Popen(
            [sys.executable, str(EMITTER), path, "60", "6"], stdout=subprocess.PIPE, text=True
        ) as child:
            try:
                assert child.stdout is not None
                assert child.stdout.readline().strip() == "queued"
            finally:
                child.send_signal(signal.SIGKILL)
                child.wait(30)
        left = pending_ids(path)
        assert len(left) == 60
        first_new = len(server.requests)
        server.gate.set()
        result = subprocess.run(
            [sys.executable, "-m", "desktop_integrations", "--database", path, "deliver"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    assert sorted(r.headers[DELIVERY_ID_HEADER] for r in server.requests[first_new:]) == sorted(
        left
    )


def test_a_save_after_outbox_writes_is_still_synced_on_commit(
    store: ConfigStore, manager: IntegrationManager
) -> None:
    with recording_server() as server, installed(manager, WebhookExtension):
        integration = manager.get_integration("builtin.webhook")
        form = integration.build_config_form(data={"name": "Hook", "url": server.url + "/h"})
        assert form.is_valid(), form.errors
        config = form.save()
        [delivery] = emit(Event(title="Deployed")).wait(30)
        assert delivery.ok
        assert recent_deliveries(store)[0].delivery_id == delivery.delivery_id
        # Outbox writes share fsyncs; every other write still waits for its own.
        assert store.query("PRAGMA synchronous")[0][0] == FULL
        config.name = "Renamed"
        manager.save_config(config)
        assert store.query("PRAGMA synchronous")[0][0] == FULL


class FsyncSpy:
    """Records the size of the write-ahead log each time an fsync of it finished."""

    def __init__(self, wal: Path, monkeypatch: pytest.MonkeyPatch, slow: float = 0.0) -> None:
        self.wal = wal
        self.synced: list[int] = []
        real = wal_sync._sync

        def sync(fd: int) -> None:
            size = os.fstat(fd).st_size
            time.sleep(slow)  # a slow disk: the background fsync is still running
            real(fd)
            self.synced.append(size)

        monkeypatch.setattr(wal_sync, "_sync", sync)

    def covers(self, size: int) -> bool:
        return any(synced >= size for synced in self.synced)


def test_an_emit_reaches_the_disk_by_itself_while_its_delivery_is_held(
    store: ConfigStore, manager: IntegrationManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = FsyncSpy(store.path.with_name(store.path.name + "-wal"), monkeypatch)
    with recording_server() as server, installed(manager, WebhookExtension):
        integration = manager.get_integration("builtin.webhook")
        form = integration.build_config_form(data={"name": "Hook", "url": server.url + "/h"})
        assert form.is_valid(), form.errors
        form.save()
        server.gate.clear()  # no outcome is recorded meanwhile
        emission = emit(Event(title="Deployed"))
        written = spy.wal.stat().st_size
        deadline = time.monotonic() + 30
        while not spy.covers(written):
            assert time.monotonic() < deadline, "the emitted delivery was never synced"
            time.sleep(0.01)
        assert emission.unfinished() == 1
        server.gate.set()
        [delivery] = emission.wait(30)
    assert delivery.ok


def test_emits_just_before_the_pool_stops_are_on_disk_when_it_returns(
    store: ConfigStore, manager: IntegrationManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = FsyncSpy(store.path.with_name(store.path.name + "-wal"), monkeypatch, slow=0.5)
    # No workers: nothing records an outcome, whose fsync would cover the emits.
    with installed(manager, WebhookExtension, workers=0):
        integration = manager.get_integration("builtin.webhook")
        form = integration.build_config_form(data={"name": "Hook", "url": "http://127.0.0.1:9/"})
        assert form.is_valid(), form.errors
        form.save()
        for number in range(20):
            emit(Event(title=f"Event {number}"))
        written = spy.wal.stat().st_size
    # installed() stopped the pool: no waiting here.
    assert spy.covers(written)
    assert store.count_pending_deliveries() == 20


def test_deliver_reports_every_delivery_while_the_disk_is_slow(
    store: ConfigStore, manager: IntegrationManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The outbox is empty once the outcomes are committed, but they are only
    # announced after their fsync: draining must not stop in between.
    FsyncSpy(store.path.with_name(store.path.name + "-wal"), monkeypatch, slow=0.3)
    with recording_server() as server, installed(manager, WebhookExtension, workers=0):
        integration = manager.get_integration("builtin.webhook")
        form = integration.build_config_form(data={"name": "Hook", "url": server.url + "/h"})
        assert form.is_valid(), form.errors
        form.save()
        for number in range(5):
            emit(Event(title=f"Event {number}"))
        pending = {row[0] for row in store.query("SELECT delivery_id FROM outbox")}
        pool = fast_pool(workers=2)
        try:
            finished = pool.drain(manager, timeout=60)
        finally:
            pool.shutdown()
    assert len(pending) == 5
    assert len(finished) == 5 and {d.delivery_id for d in finished} == pending
    assert all(d.ok for d in finished)
    assert store.count_pending_deliveries() == 0
