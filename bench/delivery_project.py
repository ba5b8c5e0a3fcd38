"""The project's side of the delivery benchmark (a child of delivery.py).

M webhook configurations on one database (durable outbox and delivery log
on, as shipped), all posting to the sink. Measures one event to every
configuration, then a burst of events emitted as fast as emit() returns.

With a fourth argument ``soak``, the burst's emissions are not kept (as an
application that emits and moves on): the child waits until the outbox is
empty, so RSS growth is the pipeline's own, not the results the caller holds.

Usage: python bench/delivery_project.py PORT M DELIVERIES [soak]
"""

from __future__ import annotations

import gc
import sys
import time

from child_result import emit as report
from delivery_common import reset_sink, rss_mib

from desktop_integrations import ConfigStore, IntegrationManager
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.webhook import WebhookExtension


def send(count: int) -> float:
    start = time.perf_counter()
    emissions = [emit(Event(title=f"bench {time.time()}")) for _ in range(count)]
    for emission in emissions:
        deliveries = emission.wait(600)
        assert all(d.ok for d in deliveries), deliveries
    return time.perf_counter() - start


def send_and_forget(manager: IntegrationManager, count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        emit(Event(title=f"bench {time.time()}"))
    while manager.store.count_pending_deliveries():
        time.sleep(0.01)
    return time.perf_counter() - start


def main(port: int, configs: int, deliveries: int, soak: bool = False) -> None:
    manager = IntegrationManager(ConfigStore())
    WebhookExtension(manager).initialize()
    integration = manager.get_integration("builtin.webhook")
    for number in range(configs):
        form = integration.build_config_form(
            data={"name": f"Hook {number}", "url": f"http://127.0.0.1:{port}/p/{number}"}
        )
        assert form.is_valid(), form.errors
        form.save()
    send(max(1, 200 // configs))  # warm-up: imports, connections, caches
    single = send(1)
    gc.collect()
    before = rss_mib()
    reset_sink(port)
    burst = send_and_forget(manager, deliveries // configs) if soak else send(deliveries // configs)
    gc.collect()
    report({"throughput": deliveries / burst, "single": single, "rss_growth": rss_mib() - before})


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:4]), soak=sys.argv[4:] == ["soak"])
