"""Run every benchmark and print a table of medians and ratios.

Usage:
    python bench/run.py [--quick] [--only NAME ...] [--rounds N] [--json FILE]

Each benchmark runs the project and its comparison in the same run,
alternating them round by round, and reports medians over the rounds.
The first run installs Djblets into bench/.venv-djblets (the project never
depends on it).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import Row

BENCHMARKS = (
    "core",
    "startup",
    "startup_plugins",
    "startup_apprise",
    "scale",
    "dialogs",
    "plugins",
    "delivery",
    "store",
    "stalls",
)
ROUNDS = {
    "core": 9,
    "startup": 15,
    "startup_plugins": 7,
    "startup_apprise": 7,
    "scale": 7,
    "dialogs": 7,
    "plugins": 7,
    "delivery": 5,
    "store": 3,
    "stalls": 3,
}
# The store's rounds each fill 100,000 rows on both backends: one is enough for a look.
QUICK_ROUNDS = {name: 3 for name in BENCHMARKS} | {"store": 1}


def machine() -> dict[str, str]:
    """Describe the machine and the versions the numbers belong to."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    info = {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "RAM": f"{memory:.1f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
    }
    info["Commit"] = _commit()
    try:
        import PySide6

        info["PySide6"] = PySide6.__version__
    except ImportError:
        info["PySide6"] = "not installed"
    return info


def _commit() -> str:
    """The checked-out commit, marked when the working tree has changes."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return (
        f"{commit} (with uncommitted changes)" if git("status", "--porcelain", "-uno") else commit
    )


def print_table(rows: list[Row]) -> None:
    header = ("benchmark", "measure", "project", "comparison", "ratio", "target", "met")
    lines = [
        (
            r.benchmark,
            r.metric,
            r.project,
            r.comparison,
            f"{r.ratio:.2f} ({r.ratio_label})" if r.ratio is not None else "-",
            r.target or "-",
            {True: "yes", False: "NO", None: "-"}[r.met],
        )
        for r in rows
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for line in lines:
        print("| " + " | ".join(line) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and repetitions")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these")
    parser.add_argument("--rounds", type=int, help="rounds per benchmark (default: per benchmark)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)

    def progress(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {text}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    info = machine()
    rows: list[Row] = []
    for name in args.only or BENCHMARKS:
        rounds = args.rounds or (QUICK_ROUNDS if args.quick else ROUNDS)[name]
        module = importlib.import_module(name)
        try:
            bench_rows, versions = module.run(args.quick, rounds, progress)
        except Exception as e:  # one failing benchmark must not hide the others
            progress(f"{name}: FAILED: {e}")
            rows.append(Row(name, f"not measured: {str(e).splitlines()[0]}", "-", "-", None, ""))
            continue
        rows.extend(bench_rows)
        info.update(versions)
    progress("done")
    print()
    for key, value in info.items():
        print(f"{key}: {value}")
    print(f"Command: python bench/run.py {' '.join(argv if argv is not None else sys.argv[1:])}")
    print()
    print_table(rows)
    if args.json:
        args.json.write_text(
            json.dumps({"machine": info, "rows": [asdict(r) for r in rows]}, indent=2) + "\n"
        )
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
