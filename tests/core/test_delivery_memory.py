"""Memory stays flat whatever the burst: pending work waits in the outbox, not in RAM."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.servers import recording_server

SOAK = Path(__file__).with_name("delivery_soak.py")
CONFIGS, WARM_UP, SOAK_EVENTS = 4, 100, 1000
#: A generous bound: sending the 4,000 deliveries once grew RSS by about 40 MiB when each
#: request built its own HTTP client and the queue was in memory.
GROWTH_LIMIT_KIB = 20 * 1024


def test_a_large_burst_leaves_the_memory_of_a_small_one(tmp_path: Path) -> None:
    with recording_server() as server:
        result = subprocess.run(
            [
                sys.executable,
                str(SOAK),
                str(tmp_path / "soak.sqlite3"),
                server.url + "/soak",
                str(CONFIGS),
                str(WARM_UP),
                str(SOAK_EVENTS),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        received = len(server.requests)
    assert result.returncode == 0, result.stderr
    assert received == CONFIGS * (WARM_UP + SOAK_EVENTS)
    rss = json.loads(result.stdout)
    assert rss["end"] - rss["warm"] < GROWTH_LIMIT_KIB, rss
