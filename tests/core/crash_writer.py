"""A child process that saves configurations until it is killed.

Each line it prints is an acknowledgement, printed only after the save that
it names returned: ``<id> <revision> <n>``.
"""

from __future__ import annotations

import random
import sys

from desktop_integrations import ConfigStore, Integration, IntegrationManager


class Crash(Integration):
    integration_id = "test.crash"
    name = "Crash"


def main(path: str, seed: int) -> None:
    rng = random.Random(seed)
    manager = IntegrationManager(ConfigStore(path))
    integration = manager.register_integration_class(Crash)
    saved = list(manager.get_integration_configs(Crash))
    n = 0
    while True:
        n += 1
        if saved and rng.random() < 0.4:
            config = rng.choice(saved)
        else:
            config = integration.create_config(name=f"config {n}")
            saved.append(config)
        config.settings = {"n": n, "payload": "x" * rng.randrange(10, 5000)}
        config.save()
        print(config.id, config.revision, n, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
