"""Benchmark 3: the main window with 100,000 configurations.

Opening: launch until the window is ready and idle (the start-up harness)
with 100,000 stored configurations against 1,000, alternating. Memory: the
project's whole-process peak RSS until ready and idle with 100,000, against
the bare window listing them with every configuration held as a plain dict
(every column, settings decoded). Filtering: text typed into the window's
filter box until ``configs_view`` shows the matching rows, against a bare
QSortFilterProxyModel over the same names.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from fixtures import app_env, make_data_dir
from startup import project_env, side
from timing import BENCH_DIR, Row, Samples, alternate, fmt_time, run_child

SMALL, LARGE = 1_000, 100_000
OPEN_LIMIT = 2.0
MEMORY_LIMIT = 2.0
FILTER_LIMIT = 2.0


def run(
    quick: bool, rounds: int, progress: Callable[[str], None]
) -> tuple[list[Row], dict[str, str]]:
    folder = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        small = make_data_dir(folder / "small", SMALL)
        large = make_data_dir(folder / "large", LARGE)
        script = str(BENCH_DIR / "startup_child.py")
        sides = {
            name: side([sys.executable, script, "project"], project_env(data, count, idle=True))
            for name, data, count in (("1k", small, SMALL), ("100k", large, LARGE))
        }
        sides["dicts"] = side(
            [sys.executable, script, "dicts"], {**app_env(large), "PYTHONPATH": str(BENCH_DIR)}
        )
        for run_side in sides.values():  # warm the file cache for every side alike
            run_side()
        opened = alternate(sides, rounds, lambda text: progress(f"scale open: {text}"))
        rows = [_open_row(opened), _memory_row(opened)]
        try:
            rows.append(_filter_row(large, rounds, 1 if quick else 3, progress))
        except RuntimeError as e:
            first = str(e).strip().splitlines()[-1]
            rows.append(
                Row("scale", f"filter {LARGE:,} rows: not measured ({first})", "-", "-", None, "")
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return rows, {}


def _open_row(samples: Samples) -> Row:
    small, large = samples.median("1k", "idle"), samples.median("100k", "idle")
    ratio = large / small
    return Row(
        "scale",
        f"open the main window with {LARGE:,} configurations, launch to ready and idle",
        fmt_time(large),
        f"with {SMALL:,}: {fmt_time(small)}",
        ratio,
        "100k/1k",
        f"<= {OPEN_LIMIT:g}",
        ratio <= OPEN_LIMIT,
    )


def _memory_row(samples: Samples) -> Row:
    project, floor = samples.median("100k", "rss_idle"), samples.median("dicts", "rss_ready")
    return Row(
        "scale",
        f"{LARGE:,} configurations: whole-process peak RSS until ready and idle",
        f"{project:.0f} MiB",
        f"bare window + plain dicts {floor:.0f} MiB",
        project / floor,
        "project/dicts",
        f"<= {MEMORY_LIMIT:g}",
        project / floor <= MEMORY_LIMIT,
    )


def _filter_row(data: Path, rounds: int, repeats: int, progress: Callable[[str], None]) -> Row:
    samples = Samples()
    argv = [sys.executable, str(BENCH_DIR / "scale_child.py"), str(data), str(repeats)]
    env = {**app_env(data), "PYTHONPATH": str(BENCH_DIR)}
    for number in range(rounds):
        for name, value in run_child(argv, env).result.items():
            samples.add(name, "filter", value)
        progress(f"scale filter: round {number + 1}/{rounds}")
    project, bare = samples.median("project", "filter"), samples.median("bare", "filter")
    return Row(
        "scale",
        f"filter {LARGE:,} rows, until the view shows the matches",
        fmt_time(project),
        f"bare QSortFilterProxyModel {fmt_time(bare)}",
        project / bare,
        "project/bare",
        f"<= {FILTER_LIMIT:g}",
        project / bare <= FILTER_LIMIT,
    )
