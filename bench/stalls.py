"""Benchmark: the longest GUI stall of the main window at 100,000 configurations.

A 5 ms QTimer heartbeat runs on the GUI thread (offscreen) while each scenario
runs; the stall is the longest gap between two beats, until the change is
shown. Scenarios: 2,000 saves by a worker thread, 2,000 by another process
(picked up when the window is activated), F5, Space on a row, File > Import of
2,000 entries, typing a filter, and loading 1,000 plugins (no manifests) after
the window's first paint, as the app starts. Target: every stall under 100 ms.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from fixtures import app_env, make_data_dir
from startup_plugins import write_plugins
from timing import BENCH_DIR, Row, fmt_time, run_child

COUNT = 100_000
PLUGINS = 1000
LIMIT = 0.100
SCENARIOS = {
    "thread_saves": "2,000 saves by a worker thread",
    "process_saves": "2,000 saves by another process, then activating the window",
    "reload": "F5 (rescan plugins, re-read the database)",
    "toggle": "Space on a row (enable/disable)",
    "import": "File > Import of 2,000 entries",
    "filter": "typing a filter",
    "unfilter": "clearing the filter",
    "plugins": f"loading {PLUGINS:,} plugins after the first paint",
}


def run(
    quick: bool, rounds: int, progress: Callable[[str], None]
) -> tuple[list[Row], dict[str, str]]:
    folder = Path(tempfile.mkdtemp(prefix="bench-stalls-"))
    samples: dict[str, list[float]] = {name: [] for name in SCENARIOS}
    try:
        for number in range(rounds):
            data = make_data_dir(folder / f"round-{number}", COUNT)
            env = {**app_env(data), "PYTHONPATH": str(BENCH_DIR)}
            argv = [sys.executable, str(BENCH_DIR / "stalls_child.py"), str(data)]
            for name, value in run_child(argv, env).result.items():
                samples[name].append(value)
            samples["plugins"].append(plugins_stall(data, env))
            shutil.rmtree(data, ignore_errors=True)
            progress(f"stalls: round {number + 1}/{rounds}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    rows = []
    for name, label in SCENARIOS.items():
        stall = statistics.median(samples[name])
        rows.append(
            Row(
                "stalls",
                f"longest GUI stall at {COUNT:,} configurations: {label}",
                fmt_time(stall),
                "5 ms heartbeat",
                None,
                "",
                f"< {fmt_time(LIMIT)}",
                stall < LIMIT,
            )
        )
    return rows, {}


def plugins_stall(data: Path, env: dict[str, str]) -> float:
    """The longest stall while 1,000 plugins load after the first paint."""
    plugins = write_plugins(data / "plugins-1000", PLUGINS)
    argv = [sys.executable, str(BENCH_DIR / "stalls_child.py"), str(data), str(plugins)]
    # The first launch writes the bytecode caches and probes every plugin in a
    # child process (verdicts cached by fingerprint), as an installed app has them.
    run_child(argv, env, timeout=900)
    result = run_child(argv, env).result
    if result["registered"] != PLUGINS:
        raise RuntimeError(f"only {result['registered']:.0f} plugins' integrations registered")
    return result["plugins"]
