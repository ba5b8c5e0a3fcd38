"""Benchmark 2: launch to a ready main window, project vs a bare PySide6 program.

Whole-process wall time from just before the parent launches the child until
the window is ready (the built-in integrations listed, 1,000 configurations
listed with their integrations' names, the picker usable; see
``startup_child.py``), and the process's peak RSS until then, offscreen. The
bare program shows a QListView of 1,000 rows and is ready at its first paint.
Secondary figures: the project's first paint, and the time until it is also
idle (its start-up work done: plugins with enabled configurations imported).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from fixtures import BUILTIN_INTEGRATIONS, app_env, make_data_dir
from timing import BENCH_DIR, Row, alternate, fmt_time, run_child

CONFIGS = 1000
TIME_LIMIT = 1.5
RSS_LIMIT = 1.4


def side(argv: list[str], env: dict[str, str]) -> Callable[[], dict[str, float]]:
    """Run one child; return its times since launch (s) and peak RSS (MiB)."""

    def run() -> dict[str, float]:
        child = run_child(argv, env)
        result = child.result
        # CPU time (all threads) until the child exits, at ready (or idle):
        # less disturbed than wall time by other work on a shared machine.
        times = {"paint": result["painted_at"] - child.launched_at, "cpu": child.cpu}
        for stage in ("ready", "idle"):
            if f"{stage}_at" in result:
                times[stage] = result[f"{stage}_at"] - child.launched_at
                times[f"rss_{stage}"] = result[f"rss_{stage}"]
        return times

    return run


def project_env(
    data: Path, configs: int, idle: bool = False, apprise: bool = False
) -> dict[str, str]:
    """The environment of a project child on ``data``, waiting for ``configs`` rows.

    Without ``apprise``, the Apprise library is hidden, as in the default install.
    """
    integrations = BUILTIN_INTEGRATIONS + (apprise_services() if apprise else 0)
    ready = {"integrations": integrations, "configs": configs}
    return {
        **app_env(data),
        "PYTHONPATH": str(BENCH_DIR),
        "BENCH_READY": json.dumps(ready),
        "BENCH_IDLE": "1" if idle else "0",
        "BENCH_WITHOUT": "" if apprise else "apprise",
    }


def apprise_services() -> int:
    """How many integrations the Apprise plugin adds here (0 without Apprise)."""
    try:
        from desktop_integrations.plugins.apprise.schema import load_services
    except ImportError:
        return 0
    try:
        return len(load_services())
    except ImportError:
        return 0


def run(
    quick: bool, rounds: int, progress: Callable[[str], None]
) -> tuple[list[Row], dict[str, str]]:
    folder = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        make_data_dir(folder / "data", CONFIGS)
        script = str(BENCH_DIR / "startup_child.py")
        bare_env = {**app_env(folder / "data"), "PYTHONPATH": str(BENCH_DIR)}
        sides = {
            "project": side(
                [sys.executable, script, "project"], project_env(folder / "data", CONFIGS)
            ),
            "bare": side([sys.executable, script, "bare", str(CONFIGS)], bare_env),
            "idle": side(
                [sys.executable, script, "project"], project_env(folder / "data", CONFIGS, True)
            ),
        }
        services = apprise_services()
        if services:
            sides["apprise"] = side(
                [sys.executable, script, "project"],
                project_env(folder / "data", CONFIGS, apprise=True),
            )
        # One unmeasured launch of each warms the OS file cache for both alike.
        for run_side in sides.values():
            run_side()
        samples = alternate(sides, rounds, lambda text: progress(f"startup: {text}"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ready, bare = samples.median("project", "ready"), samples.median("bare", "ready")
    rss, bare_rss = samples.median("project", "rss_ready"), samples.median("bare", "rss_ready")
    paint = samples.median("project", "paint")
    idle, idle_rss = samples.median("idle", "idle"), samples.median("idle", "rss_idle")
    label = f"launch to ready window, built-ins (no Apprise), {CONFIGS:,} configurations"
    floor = f"bare PySide6 window listing {CONFIGS:,} items"
    extra = []
    if services:
        with_apprise = samples.median("apprise", "ready")
        extra.append(
            Row(
                "start-up",
                f"secondary: launch to ready with Apprise installed "
                f"({BUILTIN_INTEGRATIONS} + {services} integrations)",
                f"{fmt_time(with_apprise)}, {samples.median('apprise', 'rss_ready'):.0f} MiB",
                f"{floor}: {fmt_time(bare)}, {bare_rss:.0f} MiB",
                with_apprise / bare,
                "project/bare (time)",
            )
        )
    return [
        Row(
            "start-up",
            f"{label}: wall time",
            fmt_time(ready),
            f"{floor}: {fmt_time(bare)}",
            ready / bare,
            "project/bare",
            f"<= {TIME_LIMIT}",
            ready / bare <= TIME_LIMIT,
        ),
        Row(
            "start-up",
            f"{label}: whole-process peak RSS until ready",
            f"{rss:.0f} MiB",
            f"{floor}: {bare_rss:.0f} MiB",
            rss / bare_rss,
            "project/bare",
            f"<= {RSS_LIMIT}",
            rss / bare_rss <= RSS_LIMIT,
        ),
        Row(
            "start-up",
            "secondary: CPU time until ready (user + system, all threads)",
            fmt_time(samples.median("project", "cpu")),
            f"{floor}: {fmt_time(samples.median('bare', 'cpu'))}",
            samples.median("project", "cpu") / samples.median("bare", "cpu"),
            "project/bare",
        ),
        Row(
            "start-up",
            "secondary: launch to first paint",
            fmt_time(paint),
            f"{floor}: {fmt_time(bare)}",
            paint / bare,
            "project/bare",
        ),
        Row(
            "start-up",
            "secondary: launch to ready and idle (plugins with enabled configurations imported)",
            f"{fmt_time(idle)}, {idle_rss:.0f} MiB",
            f"{floor}: {fmt_time(bare)}, {bare_rss:.0f} MiB",
            idle / bare,
            "project/bare (time)",
        ),
        *extra,
    ], {}
