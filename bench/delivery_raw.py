"""The floor of the delivery benchmark: raw httpx, one shared Client, four threads.

No store, no outbox, no log: each delivery is one POST of a small JSON body.

Usage: python bench/delivery_raw.py PORT M DELIVERIES
"""

from __future__ import annotations

import gc
import json
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from child_result import emit as report
from delivery_common import reset_sink, rss_mib

WORKERS = 4


def main(port: int, configs: int, deliveries: int) -> None:
    # TCP_NODELAY, as the project's client and urllib3 (Apprise's) set it.
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    client = httpx.Client(transport=transport)
    urls = [f"http://127.0.0.1:{port}/r/{number}" for number in range(configs)]
    headers = {"Content-Type": "application/json"}

    def post(url: str, body: bytes) -> None:
        client.post(url, content=body, headers=headers).raise_for_status()

    with ThreadPoolExecutor(WORKERS) as executor:

        def send(count: int) -> float:
            start = time.perf_counter()
            futures = []
            for _ in range(count):
                body = json.dumps({"title": f"bench {time.time()}"}).encode()
                futures += [executor.submit(post, url, body) for url in urls]
            for future in futures:
                future.result()
            return time.perf_counter() - start

        send(max(1, 200 // configs))
        single = send(1)
        gc.collect()
        before = rss_mib()
        reset_sink(port)
        burst = send(deliveries // configs)
        gc.collect()
    report({"throughput": deliveries / burst, "single": single, "rss_growth": rss_mib() - before})
    client.close()


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:4]))
