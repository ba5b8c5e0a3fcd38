"""Benchmark: the store on PostgreSQL against SQLite and against raw psycopg.

A durable PostgreSQL cluster of its own is created in a temp folder (initdb,
pg_ctl, as the tests do) and removed afterwards. Each round runs every side on
a fresh schema or file: saves one by one, the first ``get_configs()`` after a
change, and listing 100,000 configurations. Raw psycopg runs the statements the
store runs, without the store around them. Then another process saves and this
one times how long the change takes to reach its manager's cache.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from timing import BENCH_DIR, ROOT, Row, Samples, alternate, fmt_time

sys.path.insert(0, str(ROOT))

from tests.postgres import Cluster, find_bindir

FULL = {"saves": 300, "reads": 30, "listed": 100_000, "live": 200}
QUICK = {"saves": 100, "reads": 10, "listed": 100_000, "live": 50}
TARGETS = {"save": 2.0}
LIVE_P99 = 0.200


def _schema_url(cluster: Cluster) -> str:
    import psycopg

    schema = f"b_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{cluster.url()}?options=-c%20search_path%3D{schema}"


def _fill(store: Any, count: int) -> None:
    """Add ``count`` rows in one transaction, as an import would (COPY on PostgreSQL)."""
    now = datetime.now(UTC)
    columns = (
        "integration_id, name, enabled, settings, extra_data, settings_version, revision,"
        " time_added, last_updated, uid"
    )
    rows = (
        ("bench.listed", f"c{n}", 1, "{}", "{}", 0, 1, now, now, uuid.uuid4().hex)
        for n in range(count)
    )
    with store.transaction("fill") as conn:
        if store.live:
            with conn.raw.cursor().copy(f"COPY configs ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            conn.executemany(
                f"INSERT INTO configs ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ((*row[:7], now.isoformat(), now.isoformat(), row[9]) for row in rows),
            )


def _project(target: Callable[[], str], params: dict[str, int]) -> dict[str, float]:
    from desktop_integrations import Integration, IntegrationManager, open_store

    class Bench(Integration):
        integration_id = "bench.store"
        name = "Bench"

    store = open_store(target())
    manager = IntegrationManager(store)
    try:
        bench = manager.register_integration_class(Bench)
        start = time.perf_counter()
        for n in range(params["saves"]):
            bench.create_config(enabled=True, save=True, name=f"s{n}", settings={"n": n})
        save = (time.perf_counter() - start) / params["saves"]
        first = bench.get_configs()[0]
        reads = 0.0
        for n in range(params["reads"]):
            first.name = f"changed {n}"
            first.save()
            # As after another desktop's change: the cache is invalidated and read again.
            manager.clear_configs_cache(Bench)
            start = time.perf_counter()
            first = bench.get_configs()[0]
            reads += time.perf_counter() - start
        _fill(store, params["listed"])
        start = time.perf_counter()
        listed = store.config_summaries()
        listing = time.perf_counter() - start
        assert len(listed) >= params["listed"]
    finally:
        manager.shutdown()
        store.close()
    return {"save": save, "get_configs": reads / params["reads"], "list": listing}


def _raw(url: Callable[[], str], params: dict[str, int]) -> dict[str, float]:
    import psycopg

    from desktop_integrations import open_store

    open_store(url_ := url()).close()  # the same schema, made by the store
    columns = (
        "id, integration_id, name, enabled, settings, extra_data, settings_version, revision,"
        " time_added, last_updated, uid"
    )
    with psycopg.connect(url_) as conn:
        start = time.perf_counter()
        for n in range(params["saves"]):
            now = datetime.now(UTC)
            with conn.transaction():
                conn.execute(
                    "INSERT INTO configs (integration_id, name, enabled, settings, extra_data,"
                    " settings_version, revision, time_added, last_updated, uid)"
                    " VALUES (%s, %s, 1, %s, '{}', 0, 1, %s, %s, %s) RETURNING id, revision",
                    ("bench.store", f"s{n}", f'{{"n": {n}}}', now, now, uuid.uuid4().hex),
                ).fetchone()
                conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        save = (time.perf_counter() - start) / params["saves"]
        reads = 0.0
        for n in range(params["reads"]):
            with conn.transaction():
                conn.execute(
                    "UPDATE configs SET name = %s, revision = revision + 1 WHERE id = 1",
                    (f"changed {n}",),
                )
            start = time.perf_counter()
            conn.execute(
                f"SELECT {columns} FROM configs WHERE integration_id = %s ORDER BY id",
                ("bench.store",),
            ).fetchall()
            conn.commit()
            reads += time.perf_counter() - start
        store = open_store(url_)
        try:
            _fill(store, params["listed"])
        finally:
            store.close()
        start = time.perf_counter()
        conn.execute("SELECT id, integration_id, name, enabled FROM configs ORDER BY id").fetchall()
        listing = time.perf_counter() - start
        conn.commit()
    return {"save": save, "get_configs": reads / params["reads"], "list": listing}


def _live(url: str, count: int) -> list[float]:
    """Seconds from another process's committed save to this manager's cache update."""
    from desktop_integrations import Integration, IntegrationManager, open_store
    from desktop_integrations.signals import configs_changed

    class Bench(Integration):
        integration_id = "bench.store"
        name = "Bench"

    manager = IntegrationManager(open_store(url))
    manager.register_integration_class(Bench)
    seen: list[float] = []
    arrived = threading.Event()

    def note(sender: object, **kwargs: object) -> None:
        seen.append(time.time())
        arrived.set()

    configs_changed.connect(note, sender=manager)
    child = subprocess.Popen(
        [sys.executable, str(BENCH_DIR / "store_child.py"), url],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert child.stdin is not None and child.stdout is not None
    latencies = []
    try:
        assert child.stdout.readline().strip() == "ready"
        arrived.wait(10)
        for n in range(count):
            arrived.clear()
            child.stdin.write(f"{n}\n")
            child.stdin.flush()
            saved = float(child.stdout.readline())
            if not arrived.wait(10):
                raise RuntimeError("a change never arrived")
            latencies.append(max(0.0, seen[-1] - saved))
            time.sleep(0.01)
        child.stdin.write("\n")
        child.stdin.flush()
        child.wait(30)
    finally:
        configs_changed.disconnect(note, sender=manager)
        manager.shutdown()
        manager.store.close()
        if child.poll() is None:
            child.kill()
    return latencies


def run(
    quick: bool, rounds: int, progress: Callable[[str], None]
) -> tuple[list[Row], dict[str, str]]:
    import psycopg

    params = QUICK if quick else FULL
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (apt install postgresql)")
    cluster = Cluster(bindir, durable=True)
    cluster.start()
    folder = Path(tempfile.mkdtemp(prefix="bench-store-"))
    try:
        sides = {
            "postgresql": lambda: _project(lambda: _schema_url(cluster), params),
            "sqlite": lambda: _project(lambda: str(folder / f"{uuid.uuid4().hex}.sqlite3"), params),
            "psycopg": lambda: _raw(lambda: _schema_url(cluster), params),
        }
        samples = alternate(sides, rounds, lambda text: progress(f"store: {text}"))
        progress("store: live change between two processes")
        latencies = _live(_schema_url(cluster), params["live"])
    finally:
        cluster.stop()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    versions = {"PostgreSQL": bindir.parts[-2], "psycopg": psycopg.__version__}
    return rows(samples, latencies), versions


def rows(samples: Samples, latencies: list[float]) -> list[Row]:
    table = []
    for metric, label in (
        ("save", "save one configuration, durable on return"),
        ("get_configs", "get_configs() after a change elsewhere (300 rows read again)"),
        ("list", "list 100,000 configurations"),
    ):
        pg, raw = samples.median("postgresql", metric), samples.median("psycopg", metric)
        lite = samples.median("sqlite", metric)
        limit = TARGETS.get(metric)
        table.append(
            Row(
                "store: PostgreSQL vs raw psycopg",
                label,
                fmt_time(pg),
                f"psycopg {fmt_time(raw)}",
                pg / raw,
                "project/raw",
                f"<= {limit:g}" if limit else "",
                pg / raw <= limit if limit else None,
            )
        )
        table.append(
            Row(
                "store: PostgreSQL vs SQLite",
                label,
                fmt_time(pg),
                f"SQLite {fmt_time(lite)}",
                pg / lite,
                "postgresql/sqlite",
            )
        )
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    table.append(
        Row(
            "store: live change",
            f"save in another process to cache updated (median; {len(ordered)} saves)",
            fmt_time(statistics.median(ordered)),
            f"p99 {fmt_time(p99)}",
            p99 / LIVE_P99,
            "p99/200 ms",
            "<= 1",
            p99 <= LIVE_P99,
        )
    )
    return table
