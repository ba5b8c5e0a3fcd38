"""Benchmark 1: the integrations core against Djblets, with raw sqlite3 as the floor.

Each round runs three child processes (project, Djblets, raw sqlite3) in an
order that rotates every round, each on a fresh database file, and the table
reports the medians over the rounds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from timing import BENCH_DIR, Row, Samples, alternate, child_env, fmt_time, run_child

VENV = BENCH_DIR / ".venv-djblets"
#: The newest Djblets that installs on this Python, with the Django it requires.
DJBLETS_SPEC = "djblets"

FULL = {"integrations": 10, "saves": 2000, "first_reads": 50, "cached_calls": 100_000, "edits": 200}
QUICK = {**FULL, "first_reads": 20, "edits": 100}
METRICS = (
    ("register", "register 10 integrations", "total"),
    ("save", "save 2,000 configurations, one by one", "per save"),
    ("first_get_configs", "first get_configs() after a change", "per call"),
    ("cold_get_configs", "get_configs() after clearing the caches", "per call"),
    ("cached_get_configs", "100,000 cached get_configs()", "per call"),
    ("edit_cycle", "edit cycle: set, save, read back", "per cycle"),
)
TARGETS = {"save": 3.0, "cached_get_configs": 5.0, "edit_cycle": 5.0}


def djblets_python() -> Path:
    """Return the Python of the Djblets environment, creating it on first use."""
    python = VENV / "bin" / "python"
    if python.exists():
        return python
    print(f"Installing {DJBLETS_SPEC} into {VENV} (first run only)...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            DJBLETS_SPEC,
        ],
        check=True,
    )
    return python


def _side(
    python: str | Path, script: str, params: dict[str, int], versions: dict[str, str]
) -> Callable[[], dict[str, Any]]:
    def run() -> dict[str, Any]:
        workdir = tempfile.mkdtemp(prefix="bench-core-")
        try:
            argv = [str(python), str(BENCH_DIR / script), workdir, json.dumps(params)]
            # The bench folder is the children's import path for child_result.py.
            child = run_child(argv, child_env({"PYTHONPATH": str(BENCH_DIR)}))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        versions.update(child.result.pop("versions", {}))
        return child.result

    return run


def run(
    quick: bool, rounds: int, progress: Callable[[str], None]
) -> tuple[list[Row], dict[str, str]]:
    params = QUICK if quick else FULL
    versions: dict[str, str] = {}
    sides = {
        "project": _side(sys.executable, "core_project.py", params, versions),
        "djblets": _side(djblets_python(), "core_djblets.py", params, versions),
        "raw": _side(sys.executable, "core_raw.py", params, versions),
    }
    samples = alternate(sides, rounds, lambda text: progress(f"core: {text}"))
    return rows(samples), {k.capitalize(): v for k, v in versions.items()}


def rows(samples: Samples) -> list[Row]:
    table = []
    for metric, label, unit in METRICS:
        project = samples.median("project", metric)
        djblets = samples.median("djblets", metric)
        ratio = djblets / project
        limit = TARGETS.get(metric)
        table.append(
            Row(
                "core vs Djblets",
                f"{label} ({unit})",
                fmt_time(project),
                f"Djblets {fmt_time(djblets)}",
                ratio,
                "djblets/project",
                f">= {limit:g}" if limit else "",
                ratio >= limit if limit else None,
            )
        )
    project, raw = samples.median("project", "save"), samples.median("raw", "save")
    table.append(
        Row(
            "core vs raw sqlite3",
            "save, durable on return (per save)",
            fmt_time(project),
            f"raw sqlite3 {fmt_time(raw)}",
            project / raw,
            "project/raw",
            "<= 2",
            project / raw <= 2.0,
        )
    )
    return table
