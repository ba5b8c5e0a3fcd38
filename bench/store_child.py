"""The other desktop of the live-change benchmark: saves when told, prints when saved.

Reads one line per save from stdin; after each save returns (committed) it
prints the wall-clock time, so the parent can time the change's arrival.
"""

from __future__ import annotations

import sys
import time

from desktop_integrations import Integration, IntegrationManager, open_store


class Bench(Integration):
    integration_id = "bench.store"
    name = "Bench"


def main(url: str) -> None:
    manager = IntegrationManager(open_store(url))
    integration = manager.register_integration_class(Bench)
    config = integration.create_config(enabled=True, save=True, name="theirs")
    print("ready", flush=True)
    for line in sys.stdin:
        if not line.strip():
            break
        config.name = f"theirs {line.strip()}"
        config.save()
        print(time.time(), flush=True)
    manager.shutdown()
    manager.store.close()


if __name__ == "__main__":
    main(sys.argv[1])
