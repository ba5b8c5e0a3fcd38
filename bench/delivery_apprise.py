"""Apprise's side of the delivery benchmark (a child of delivery.py, in bench/.venv-apprise).

One Apprise object holding M ``json://`` URLs to the sink; each event is one
``notify()`` call, which sends to every URL, as an application using Apprise
does. No outbox, no log: Apprise sends in the caller's thread.

Usage: bench/.venv-apprise/bin/python bench/delivery_apprise.py PORT M DELIVERIES
"""

from __future__ import annotations

import gc
import sys
import time

import apprise
from child_result import emit as report
from delivery_common import reset_sink, rss_mib


def main(port: int, configs: int, deliveries: int) -> None:
    apobj = apprise.Apprise()
    for number in range(configs):
        apobj.add(f"json://127.0.0.1:{port}/a/{number}")

    def send(count: int) -> float:
        start = time.perf_counter()
        for _ in range(count):
            assert apobj.notify(title=f"bench {time.time()}", body="benchmark")
        return time.perf_counter() - start

    send(max(1, 200 // configs))
    single = send(1)
    gc.collect()
    before = rss_mib()
    reset_sink(port)
    burst = send(deliveries // configs)
    gc.collect()
    report(
        {
            "throughput": deliveries / burst,
            "single": single,
            "rss_growth": rss_mib() - before,
            "versions": {"apprise": apprise.__version__},
        }
    )


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:4]))
