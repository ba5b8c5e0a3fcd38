"""A child process that emits events to the webhook configurations, then hangs.

It prints ``queued`` once every emit() has returned (the deliveries are in
the outbox), then waits to be killed while its workers send.
"""

from __future__ import annotations

import sys
import threading

from desktop_integrations import IntegrationManager, open_store
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.webhook import WebhookExtension


def main(target: str, count: int) -> None:
    manager = IntegrationManager(open_store(target))
    WebhookExtension(manager).initialize()
    for number in range(count):
        emit(Event(kind="crash.test", title=f"Event {number}"))
    print("queued", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
