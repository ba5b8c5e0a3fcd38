"""Benchmark: start-up with the Apprise services (8 native + 170+ integrations).

Loading the built-in plugins (``ExtensionManager.load()``, safe mode, no
configurations) with Apprise installed against the same with Apprise hidden,
and against building every Apprise form at load, which lazy forms avoid.
The Apprise catalogue is cached by the warm-up round, as on any start after the
first, so the Apprise side does not import Apprise.
Each side runs in a fresh child process; peak RSS is the child's.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from timing import BENCH_DIR, Row, alternate, child_env, fmt_time, run_child


def _side(mode: str, root: Path) -> Callable[[], dict[str, float]]:
    def run() -> dict[str, float]:
        work = Path(tempfile.mkdtemp(dir=root))
        argv = [sys.executable, str(BENCH_DIR / "startup_apprise_child.py"), mode, str(work)]
        env = child_env(
            {
                "PYTHONPATH": str(BENCH_DIR),
                "DESKTOP_INTEGRATIONS_DATA_DIR": str(work),
                "DESKTOP_INTEGRATIONS_CONFIG_DIR": str(work / "config"),
                # Shared by the rounds: the warm-up writes the Apprise catalogue.
                "DESKTOP_INTEGRATIONS_CACHE_DIR": str(root / "cache"),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            }
        )
        try:
            child = run_child(argv, env)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return {**child.result, "wall": child.wall, "rss": child.max_rss_mib}

    return run


def run(
    quick: bool, rounds: int, progress: Callable[[str], None]
) -> tuple[list[Row], dict[str, str]]:
    if importlib.util.find_spec("apprise") is None:
        return [], {"startup_apprise": "skipped: Apprise is not installed"}
    root = Path(tempfile.mkdtemp(prefix="bench-apprise-"))
    try:
        sides = {mode: _side(mode, root) for mode in ("native", "apprise", "eager")}
        for side in sides.values():  # warm the OS file cache and bytecode alike
            side()
        samples = alternate(sides, rounds, lambda text: progress(f"startup_apprise: {text}"))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    count = samples.median("apprise", "integrations")
    native, lazy, eager = (samples.median(m, "load") for m in ("native", "apprise", "eager"))
    built = max(samples.values["apprise"]["built_at_load"])
    return [
        Row(
            "start-up",
            f"load the built-in plugins with Apprise: {count:.0f} integrations, catalogue cached",
            fmt_time(lazy),
            f"without Apprise (8) {fmt_time(native)}",
            lazy / native,
            "with/without",
        ),
        Row(
            "start-up",
            "Apprise forms built while loading",
            f"{built:.0f}",
            f"building all at load: {fmt_time(eager)}",
            eager / lazy,
            "eager/lazy (time)",
            "0",
            built == 0,
        ),
        Row(
            "start-up",
            "whole process to plugins loaded, with Apprise: wall time, peak RSS",
            f"{fmt_time(samples.median('apprise', 'wall'))}, "
            f"{samples.median('apprise', 'rss'):.0f} MiB",
            f"without Apprise {fmt_time(samples.median('native', 'wall'))}, "
            f"{samples.median('native', 'rss'):.0f} MiB",
            samples.median("apprise", "wall") / samples.median("native", "wall"),
            "with/without (time)",
        ),
    ], {}
