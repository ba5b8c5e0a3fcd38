"""Raw sqlite3 saves with the project's durability: the floor (a child of core.py).

Each save is one committed INSERT (autocommit) into a WAL database with
``synchronous = FULL``, the settings serialised to JSON as the project does.

Usage: python bench/core_raw.py WORKDIR PARAMS_JSON
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from child_result import emit

SCHEMA = """
CREATE TABLE configs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    integration_id TEXT NOT NULL,
    name TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    settings TEXT NOT NULL,
    extra_data TEXT NOT NULL,
    time_added TEXT NOT NULL,
    last_updated TEXT NOT NULL
);
CREATE INDEX configs_by_integration ON configs (integration_id, enabled);
"""


def main() -> None:
    workdir, params = Path(sys.argv[1]), json.loads(sys.argv[2])
    conn = sqlite3.connect(workdir / "raw.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.executescript(SCHEMA)
    saves, integrations = params["saves"], params["integrations"]
    start = time.perf_counter()
    for n in range(saves):
        now = datetime.now(UTC).isoformat()
        settings = {"url": f"https://example.com/hook/{n}", "channel": f"#c{n}", "count": n}
        conn.execute(
            "INSERT INTO configs (integration_id, name, enabled, settings, extra_data,"
            " time_added, last_updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                f"bench.integration{n % integrations}",
                f"Configuration {n}",
                1,
                json.dumps(settings),
                "{}",
                now,
                now,
            ),
        )
    result = {"save": (time.perf_counter() - start) / saves}
    conn.close()
    emit(result)


if __name__ == "__main__":
    main()
