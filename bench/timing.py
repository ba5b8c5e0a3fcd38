"""Timing helpers: child processes, alternating rounds, medians and ratios."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from child_result import RESULT_MARK

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


@dataclass
class ChildRun:
    """What one child process reported, plus what the parent measured of it."""

    result: dict[str, Any]
    #: Seconds from just before launch to the child's exit.
    wall: float
    #: Peak resident set size of the child, in MiB (``ru_maxrss``, which on Linux
    #: also counts the parent's pages from before ``exec``).
    max_rss_mib: float
    #: Wall-clock time (``time.time()``) just before launch.
    launched_at: float
    #: CPU time (user + system) the child used, in seconds.
    cpu: float = 0.0


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the environment for a child: offscreen Qt, no user data touched."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Bytecode caches are written as an installed app has them: the first,
    # unmeasured launch of each side writes them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPATH", None)
    env.update(extra or {})
    return env


def run_child(
    argv: Sequence[str],
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
) -> ChildRun:
    """Run a child to its end; return its result line, wall time and peak RSS.

    The child's output goes to temporary files, so the parent can reap it with
    ``os.wait4`` and read ``ru_maxrss`` of exactly that process.

    Raises:
        RuntimeError: The child failed or printed no result; the message holds
            the end of its error output.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        launched_at = time.time()
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            stdout=out,
            stderr=err,
            env=dict(env) if env is not None else child_env(),
            cwd=ROOT,
        )
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise RuntimeError(f"{argv[1:]} timed out after {timeout}s")
            time.sleep(0.002)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[1:])} exited {proc.returncode}\n{stderr[-3000:]}")
    lines = [line for line in stdout.splitlines() if line.startswith(RESULT_MARK)]
    if not lines:
        raise RuntimeError(f"{' '.join(argv[1:])} printed no result\n{stderr[-3000:]}")
    result = json.loads(lines[-1][len(RESULT_MARK) :])
    # ru_maxrss is in KiB on Linux.
    cpu = usage.ru_utime + usage.ru_stime
    return ChildRun(result, wall, usage.ru_maxrss / 1024, launched_at, cpu)


@dataclass
class Samples:
    """Per-metric samples of each side, gathered over alternating rounds."""

    values: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    def add(self, side: str, metric: str, value: float) -> None:
        self.values.setdefault(side, {}).setdefault(metric, []).append(value)

    def median(self, side: str, metric: str) -> float:
        return statistics.median(self.values[side][metric])


def alternate(
    sides: Mapping[str, Callable[[], Mapping[str, float]]],
    rounds: int,
    progress: Callable[[str], None] | None = None,
) -> Samples:
    """Run each side once per round, in an order that rotates every round.

    Rotating the order spreads warm-up, caching and thermal effects evenly over
    the sides. Each side returns ``{metric: seconds or MiB}``.
    """
    samples = Samples()
    names = list(sides)
    for number in range(rounds):
        shift = number % len(names)
        order = names[shift:] + names[:shift]
        for name in order:
            for metric, value in sides[name]().items():
                samples.add(name, metric, float(value))
        if progress is not None:
            progress(f"round {number + 1}/{rounds} ({' -> '.join(order)})")
    return samples


@dataclass
class Row:
    """One line of the results table.

    ``ratio`` is written so that the target reads "ratio <= limit" or
    "ratio >= limit", as ``target`` says; ``met`` is None without a target.
    """

    benchmark: str
    metric: str
    project: str
    comparison: str
    ratio: float | None
    ratio_label: str
    target: str = ""
    met: bool | None = None


def fmt_time(seconds: float) -> str:
    """Format a duration with a unit that keeps three significant digits."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"
