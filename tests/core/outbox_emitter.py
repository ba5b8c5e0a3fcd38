"""A child process that emits events to the webhook configurations, then hangs.

It prints ``queued`` once every emit() has returned (the deliveries are in
the outbox), then waits to be killed while its workers send. With a third
argument, the events are emitted from that many threads at once.

Usage: python outbox_emitter.py TARGET COUNT [THREADS]
"""

from __future__ import annotations

import sys
import threading

from desktop_integrations import IntegrationManager, open_store
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.webhook import WebhookExtension


def main(target: str, count: int, threads: int = 1) -> None:
    manager = IntegrationManager(open_store(target))
    WebhookExtension(manager).initialize()

    def emit_some(first: int) -> None:
        for number in range(first, count, threads):
            emit(Event(kind="crash.test", title=f"Event {number}"))

    emitters = [threading.Thread(target=emit_some, args=(n,)) for n in range(threads)]
    for emitter in emitters:
        emitter.start()
    for emitter in emitters:
        emitter.join()
    print("queued", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1], *(int(arg) for arg in sys.argv[2:4]))
