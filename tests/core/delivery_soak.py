"""A child process that sends bursts of events and reports its memory (VmRSS, in KiB).

Prints one JSON line: RSS after a warm-up burst was delivered, and after a
burst ten times larger was emitted at once (waiting in the outbox) and
delivered.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path

from desktop_integrations import ConfigStore, IntegrationManager
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.webhook import WebhookExtension


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def burst(manager: IntegrationManager, events: int) -> None:
    for number in range(events):
        emit(Event(kind="soak", title=f"Event {number}", body="x" * 200))
    deadline = time.monotonic() + 300
    while manager.store.count_pending_deliveries():
        if time.monotonic() > deadline:
            raise SystemExit("the outbox did not drain")
        time.sleep(0.05)
    gc.collect()


def main(path: str, url: str, configs: int, warm: int, soak: int) -> None:
    manager = IntegrationManager(ConfigStore(path))
    WebhookExtension(manager).initialize()
    integration = manager.get_integration("builtin.webhook")
    for number in range(configs):
        form = integration.build_config_form(data={"name": f"Hook {number}", "url": url})
        assert form.is_valid(), form.errors
        form.save()
    burst(manager, warm)
    after_warm_up = rss_kib()
    burst(manager, soak)
    print(json.dumps({"warm": after_warm_up, "end": rss_kib()}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *(int(arg) for arg in sys.argv[3:6]))
