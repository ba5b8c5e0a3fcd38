"""The sink of the delivery benchmark: an HTTP server on 127.0.0.1 that times receipts.

Every POST carries a title ``"bench <time.time() at emit>"`` (the project's
webhook JSON, Apprise's ``json://`` and the raw-httpx floor all send
``title``); the sink keeps emit-to-receipt latencies until ``GET /stats``
returns and resets them. Prints its port on the first line of stdout.

Usage: python bench/delivery_sink.py
"""

from __future__ import annotations

import json
import socket
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_lock = threading.Lock()
_latencies: list[float] = []
_ids: set[str] = set()
_repeats = 0


def _stats() -> dict[str, Any]:
    global _repeats
    with _lock:
        values, repeats = sorted(_latencies), _repeats
        _latencies.clear()
        _ids.clear()
        _repeats = 0
    if not values:
        return {"count": 0, "repeats": repeats}
    return {
        "count": len(values),
        "repeats": repeats,
        "p50": statistics.median(values),
        "p99": values[min(len(values) - 1, int(len(values) * 0.99))],
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as every client here can use it

    def setup(self) -> None:
        super().setup()
        # The answer goes out as headers, then body: send both at once.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:
        global _repeats
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        received = time.time()
        title = str(json.loads(body).get("title", ""))
        delivery_id = self.headers.get("X-Delivery-Id")
        with _lock:
            _latencies.append(received - float(title.split()[1]))
            if delivery_id is not None:
                _repeats += delivery_id in _ids
                _ids.add(delivery_id)
        self._answer(b"ok")

    def do_GET(self) -> None:
        self._answer(json.dumps(_stats()).encode())

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # the parent closes stdin to stop the sink


if __name__ == "__main__":
    main()
