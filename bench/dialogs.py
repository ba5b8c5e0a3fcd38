"""Benchmark 4: building and showing ConfigDialog for a 50-field form vs a hand-written QDialog.

Both dialogs are built in one child process, alternately, after two warm-up
builds of each; each child reports the medians of its builds, and the table
reports the medians over the children.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from timing import BENCH_DIR, Row, Samples, child_env, fmt_time, run_child

LIMIT = 1.3
BUILDS_PER_CHILD = 15


def run(
    quick: bool, rounds: int, progress: Callable[[str], None]
) -> tuple[list[Row], dict[str, str]]:
    samples = Samples()
    for number in range(rounds):
        work = Path(tempfile.mkdtemp(prefix="bench-dialogs-"))
        env = child_env(
            {
                "PYTHONPATH": str(BENCH_DIR),
                "DESKTOP_INTEGRATIONS_DATA_DIR": str(work),
                "DESKTOP_INTEGRATIONS_CONFIG_DIR": str(work / "config"),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            }
        )
        argv = [sys.executable, str(BENCH_DIR / "dialogs_child.py"), str(work)]
        try:
            result = run_child([*argv, str(BUILDS_PER_CHILD)], env).result
        finally:
            shutil.rmtree(work, ignore_errors=True)
        for side, value in result.items():
            samples.add(side, "show", value)
        progress(f"dialogs: round {number + 1}/{rounds}")
    project, bare = samples.median("project", "show"), samples.median("bare", "show")
    return [
        Row(
            "dialogs",
            "build and show a 50-field dialog, to first paint",
            fmt_time(project),
            f"hand-written QDialog {fmt_time(bare)}",
            project / bare,
            "project/bare",
            f"<= {LIMIT}",
            project / bare <= LIMIT,
        )
    ], {}
