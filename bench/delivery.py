"""Benchmark 6: delivering events, against Apprise and raw httpx (the floor).

Each round runs, in child processes in an order that rotates every round,
the project (webhook configurations, durable outbox and log on), Apprise
(``json://`` URLs, installed into bench/.venv-apprise) and the floor (raw
httpx, one shared Client, four threads), each delivering the same number of
deliveries to one sink process on 127.0.0.1, for M = 1, 10 and 100
configurations. Reported: deliveries/s of a burst, emit-to-receipt p50/p99
(timed by the sink), one event to M configurations, and RSS growth; medians
over the rounds, with ratios paired within each round.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.request import urlopen

from timing import BENCH_DIR, Row, Samples, alternate, child_env, fmt_time, run_child

VENV = BENCH_DIR / ".venv-apprise"
APPRISE_SPEC = "apprise"
SIDES = {
    "project": "delivery_project.py",
    "apprise": "delivery_apprise.py",
    "raw": "delivery_raw.py",
}
CONFIGS = (1, 10, 100)
FULL = {"deliveries": 2000, "soak": 50_000}
QUICK = {"deliveries": 500, "soak": 10_000}


def apprise_python() -> Path:
    """Return the Python of the Apprise environment, creating it on first use."""
    python = VENV / "bin" / "python"
    if python.exists():
        return python
    print(f"Installing {APPRISE_SPEC} into {VENV} (first run only)...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            APPRISE_SPEC,
        ],
        check=True,
    )
    return python


class Sink:
    """The sink process: started once, asked for its statistics after each child."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(BENCH_DIR / "delivery_sink.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())

    def stats(self) -> dict[str, Any]:
        with urlopen(f"http://127.0.0.1:{self.port}/stats", timeout=30) as answer:
            result: dict[str, Any] = json.loads(answer.read())
        return result

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(30)


def _side(
    python: Path | str,
    script: str,
    sink: Sink,
    configs: int,
    deliveries: int,
    versions: dict[str, str],
    *extra: str,
) -> Callable[[], dict[str, float]]:
    def run() -> dict[str, float]:
        workdir = tempfile.mkdtemp(prefix="bench-delivery-")
        env = child_env(
            {
                "PYTHONPATH": str(BENCH_DIR),
                "DESKTOP_INTEGRATIONS_DATA_DIR": str(Path(workdir) / "data"),
                "DESKTOP_INTEGRATIONS_CONFIG_DIR": str(Path(workdir) / "config"),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            }
        )
        argv = [str(python), str(BENCH_DIR / script), str(sink.port), str(configs), str(deliveries)]
        argv += extra
        try:
            child = run_child(argv, env)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        versions.update(child.result.pop("versions", {}))
        received = sink.stats()
        if received["count"] != deliveries or received["repeats"]:
            raise RuntimeError(f"{script}: the sink received {received}, expected {deliveries}")
        return {**child.result, "p50": received["p50"], "p99": received["p99"]}

    return run


_SETUP = """
from desktop_integrations import ConfigStore, IntegrationManager
from desktop_integrations.plugins.webhook import WebhookIntegration
manager = IntegrationManager(ConfigStore())
integration = manager.register_integration_class(WebhookIntegration)
form = integration.build_config_form(data={"name": "Hook", "url": %r})
assert form.is_valid(), form.errors
form.save()
manager.shutdown()
"""


def one_shot(sink: Sink, rounds: int, progress: Callable[[str], None]) -> Row:
    """``notify`` against the ``apprise`` command, one delivery each, whole process."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-notify-"))
    env = child_env(
        {
            "DESKTOP_INTEGRATIONS_DATA_DIR": str(workdir / "data"),
            "DESKTOP_INTEGRATIONS_CONFIG_DIR": str(workdir / "config"),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
    )
    url = f"http://127.0.0.1:{sink.port}/notify"
    try:
        subprocess.run([sys.executable, "-c", _SETUP % url], env=env, check=True)
        commands = {
            "project": [sys.executable, "-m", "desktop_integrations", "notify", "--title"],
            "apprise": [str(VENV / "bin" / "apprise"), f"json://127.0.0.1:{sink.port}/c", "-t"],
        }

        def side(name: str) -> Callable[[], dict[str, float]]:
            def run() -> dict[str, float]:
                start = time.perf_counter()
                command = [*commands[name], f"bench {time.time()}"]
                if name == "apprise":
                    command += ["-b", "benchmark"]
                subprocess.run(command, env=env, check=True, capture_output=True)
                took = time.perf_counter() - start
                if sink.stats()["count"] != 1:
                    raise RuntimeError(f"{name}: the sink did not receive exactly one delivery")
                return {"wall": took}

            return run

        samples = alternate(
            {name: side(name) for name in commands},
            rounds,
            lambda text: progress(f"delivery one-shot: {text}"),
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    ratio = paired(samples, "project", "apprise", "wall")
    return Row(
        "delivery",
        "one-shot command, one delivery: notify against the apprise command (whole process)",
        fmt_time(samples.median("project", "wall")),
        f"apprise {fmt_time(samples.median('apprise', 'wall'))}",
        ratio,
        "project/apprise",
        "<= 1",
        ratio <= 1.0,
    )


def paired(samples: Samples, side: str, other: str, metric: str) -> float:
    """The median over the rounds of side/other, each ratio taken within one round."""
    values = zip(samples.values[side][metric], samples.values[other][metric], strict=True)
    return statistics.median(a / b for a, b in values)


def run(
    quick: bool, rounds: int, progress: Callable[[str], None]
) -> tuple[list[Row], dict[str, str]]:
    params = QUICK if quick else FULL
    pythons = {"project": sys.executable, "apprise": apprise_python(), "raw": sys.executable}
    versions: dict[str, str] = {}
    sink = Sink()
    table: list[Row] = []
    try:
        for configs in CONFIGS:
            sides = {
                name: _side(pythons[name], script, sink, configs, params["deliveries"], versions)
                for name, script in SIDES.items()
            }
            label = f"delivery M={configs}"
            samples = alternate(
                sides, rounds, lambda text, label=label: progress(f"{label}: {text}")
            )
            table += rows(samples, configs, params["deliveries"])
        table.append(one_shot(sink, rounds, progress))
        progress(f"delivery: soak, {params['soak']:,} deliveries")
        soak = _side(sys.executable, SIDES["project"], sink, 10, params["soak"], versions, "soak")()
        table.append(
            Row(
                "delivery",
                f"RSS growth over {params['soak']:,} deliveries to 10 configurations",
                f"{soak['rss_growth']:.1f} MiB",
                "-",
                None,
                "",
                "<= 10 MiB",
                soak["rss_growth"] <= 10,
            )
        )
    finally:
        sink.close()
    return table, {k.capitalize(): v for k, v in versions.items()}


def rows(samples: Samples, configs: int, deliveries: int) -> list[Row]:
    def median(side: str, metric: str) -> float:
        return samples.median(side, metric)

    burst = f"burst of {deliveries:,} deliveries to M={configs}"
    table = []
    for other, label, limit in (("apprise", "Apprise", 2.0), ("raw", "raw httpx", 0.5)):
        ratio = paired(samples, "project", other, "throughput")
        target = limit if configs >= 10 else None
        table.append(
            Row(
                "delivery",
                f"{burst}: deliveries/s",
                f"{median('project', 'throughput'):,.0f}/s",
                f"{label} {median(other, 'throughput'):,.0f}/s",
                ratio,
                f"project/{other}",
                f">= {target:g}" if target else "",
                ratio >= target if target else None,
            )
        )
    for metric in ("p50", "p99"):
        table.append(
            Row(
                "delivery",
                f"{burst}: emit-to-receipt {metric}",
                fmt_time(median("project", metric)),
                f"Apprise {fmt_time(median('apprise', metric))}, "
                f"raw {fmt_time(median('raw', metric))}",
                paired(samples, "project", "apprise", metric),
                "project/apprise",
            )
        )
    single = paired(samples, "project", "raw", "single")
    table.append(
        Row(
            "delivery",
            f"one event to M={configs}, until every delivery is done",
            fmt_time(median("project", "single")),
            f"raw {fmt_time(median('raw', 'single'))}, "
            f"Apprise {fmt_time(median('apprise', 'single'))}",
            single,
            "project/raw",
            "<= 2" if configs == 100 else "",
            single <= 2 if configs == 100 else None,
        )
    )
    table.append(
        Row(
            "delivery",
            f"{burst}: RSS growth",
            f"{median('project', 'rss_growth'):.1f} MiB",
            f"Apprise {median('apprise', 'rss_growth'):.1f} MiB, "
            f"raw {median('raw', 'rss_growth'):.1f} MiB",
            None,
            "",
        )
    )
    return table
