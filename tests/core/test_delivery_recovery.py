"""Deliveries left by a process that died are sent by the next, with the same IDs.

On both backends: on PostgreSQL the next worker may be on another machine,
so it takes the deliveries over once their lease has expired.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from desktop_integrations import IntegrationManager, open_store
from desktop_integrations.delivery import DELIVERY_ID_HEADER, recent_deliveries
from desktop_integrations.plugins.webhook import WebhookIntegration
from tests.servers import recording_server

EMITTER = Path(__file__).with_name("outbox_emitter.py")


def add_hook(target: str, url: str) -> None:
    store = open_store(target)
    manager = IntegrationManager(store)
    try:
        integration = manager.register_integration_class(WebhookIntegration)
        form = integration.build_config_form(data={"name": "Hook", "url": url})
        assert form.is_valid(), form.errors
        form.save()
    finally:
        manager.shutdown()
        store.close()


def pending_ids(target: str) -> set[str]:
    store = open_store(target)
    try:
        return {row[0] for row in store.query("SELECT delivery_id FROM outbox")}
    finally:
        store.close()


def test_deliver_sends_what_a_killed_process_left_with_the_same_delivery_ids(
    store_target: str,
) -> None:
    path = store_target
    with recording_server() as server:
        add_hook(path, server.url + "/hook")
        server.gate.clear()  # the child's requests arrive but are never answered
        with subprocess.Popen(
            [sys.executable, str(EMITTER), str(path), "40"], stdout=subprocess.PIPE, text=True
        ) as child:
            try:
                assert child.stdout is not None
                assert child.stdout.readline().strip() == "queued"
                deadline = time.monotonic() + 60
                while not server.requests:
                    assert time.monotonic() < deadline, "the child sent nothing"
                    time.sleep(0.02)
            finally:
                child.send_signal(signal.SIGKILL)
                child.wait(30)
        sent_before = {r.headers[DELIVERY_ID_HEADER] for r in server.requests}
        left = pending_ids(path)
        assert len(left) == 40 and sent_before <= left
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
    lines = result.stdout.splitlines()
    assert len(lines) == 40
    assert all(
        line.startswith("delivered  'Hook' (builtin.webhook): HTTP 200 OK") for line in lines
    )
    resent = [r.headers[DELIVERY_ID_HEADER] for r in server.requests[first_new:]]
    assert sorted(resent) == sorted(left)
    assert pending_ids(path) == set()
    store = open_store(path)
    try:
        logged = recent_deliveries(store, limit=100)
    finally:
        store.close()
    assert {d.delivery_id for d in logged} == left and all(d.ok for d in logged)


def test_deliver_with_an_empty_outbox_says_so(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop_integrations", "--data-dir", str(tmp_path), "deliver"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Nothing to deliver.\n"
