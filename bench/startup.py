"""Benchmark 2: launch to first painted main window, project vs a bare PySide6 program.

Whole-process wall time (from just before the parent launches the child to
the end of the child's first paint) and peak RSS (``ru_maxrss`` from
``wait4``), offscreen, built-in plugins, 1,000 stored configurations; the
bare program shows a QListView of 1,000 rows.

A third side, the bare program listing configurations loaded through the
core (``import desktop_integrations``, store, manager), shows how much of the
gap the core's imports alone take.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from fixtures import app_env, launch_mode, make_data_dir
from timing import BENCH_DIR, Row, Samples, alternate, fmt_time, run_child

CONFIGS = 1000
LIMIT = 1.5


def _side(argv: list[str], env: dict[str, str]) -> Callable[[], dict[str, float]]:
    def run() -> dict[str, float]:
        child = run_child(argv, env)
        result = child.result
        times = {
            "time": result["painted_at"] - child.launched_at,
            "rss": result["rss_at_paint_mib"],
        }
        if result.get("ready_at") is not None:
            times["ready"] = result["ready_at"] - child.launched_at
            times["rss_ready"] = child.max_rss_mib
        return times

    return run


def run(
    quick: bool, rounds: int, progress: Callable[[str], None]
) -> tuple[list[Row], dict[str, str]]:
    folder = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        make_data_dir(folder / "data", CONFIGS)
        env = {**app_env(folder / "data"), "PYTHONPATH": str(BENCH_DIR)}
        script = str(BENCH_DIR / "startup_child.py")
        mode, note = launch_mode()
        sides = {
            "project": _side([sys.executable, script, mode], env),
            "bare": _side([sys.executable, script, "bare", str(CONFIGS)], env),
            "core": _side([sys.executable, script, "core"], env),
        }
        # One unmeasured launch of each warms the OS file cache for both alike.
        for side in sides.values():
            side()
        samples = alternate(sides, rounds, lambda text: progress(f"startup: {text}"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    time_ratio = samples.median("project", "time") / samples.median("bare", "time")
    rss_ratio = samples.median("project", "rss") / samples.median("bare", "rss")
    label = f"launch to first painted window, {CONFIGS:,} configurations"
    label += note
    rows = [
        Row(
            "start-up",
            f"{label}: wall time",
            fmt_time(samples.median("project", "time")),
            f"bare PySide6 {fmt_time(samples.median('bare', 'time'))}",
            time_ratio,
            "project/bare",
            f"<= {LIMIT}",
            time_ratio <= LIMIT,
        ),
        Row(
            "start-up",
            f"{label}: peak RSS",
            f"{samples.median('project', 'rss'):.0f} MiB",
            f"bare PySide6 {samples.median('bare', 'rss'):.0f} MiB",
            rss_ratio,
            "project/bare",
            f"<= {LIMIT}",
            rss_ratio <= LIMIT,
        ),
        *_ready_rows(samples),
        Row(
            "start-up",
            "floor: the bare window listing configurations loaded through the core",
            f"{fmt_time(samples.median('core', 'time'))}, {samples.median('core', 'rss'):.0f} MiB",
            f"bare PySide6 {fmt_time(samples.median('bare', 'time'))}",
            samples.median("core", "time") / samples.median("bare", "time"),
            "core/bare (time)",
        ),
    ]
    return rows, {}


def _ready_rows(samples: Samples) -> list[Row]:
    """The time until the window lists its integrations, if the app loads plugins later."""
    if "ready" not in samples.values.get("project", {}):
        return []
    ready = samples.median("project", "ready")
    bare = samples.median("bare", "time")
    return [
        Row(
            "start-up",
            "launch until the window lists the built-in integrations (plugins loaded)",
            f"{fmt_time(ready)}, {samples.median('project', 'rss_ready'):.0f} MiB",
            f"bare PySide6 {fmt_time(bare)}",
            ready / bare,
            "project/bare (time)",
        )
    ]
