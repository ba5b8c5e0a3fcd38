"""Benchmark 6: launch to a ready window with 1,000 plugins in the plugins folder.

The project side is the app (``cli.main``) on a data folder with 1,000
configurations and 1,000 plugin modules, each with a pydantic form, an
``Integration`` and an ``Extension`` that registers it, none with a manifest:
ready once its picker lists the built-in integrations and the 1,000 plugins'
ones. The floor is the bare PySide6 window listing the configurations after
importing the package's public names and the same 1,000 modules with
``importlib`` from the bytecode cache beside them. One unmeasured launch of
each first writes the bytecode caches (the app's in its user cache folder).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from fixtures import BUILTIN_INTEGRATIONS, app_env, make_data_dir
from startup import side
from timing import BENCH_DIR, Row, alternate, fmt_time

PLUGINS = 1000
CONFIGS = 1000
LIMIT = 1.3
TEMPLATE = '''"""Benchmark plugin {n}."""

from desktop_integrations import Extension, Integration, IntegrationConfigForm, IntegrationHook
from pydantic import Field


class Plugin{n}Form(IntegrationConfigForm):
    url: str = Field(title="URL")
    retries: int = Field(default=3, title="Retries", ge=0)


class Plugin{n}Integration(Integration):
    integration_id = "bench_plugin_{n:04d}.integration"
    name = "Plugin {n}"
    description = "A benchmark integration."
    default_settings = {{"url": "https://example.com/{n}", "retries": 3}}
    config_form_cls = Plugin{n}Form


class Plugin{n}Extension(Extension):
    name = "Plugin {n}"
    version = "1.0"

    def initialize(self):
        IntegrationHook(self, Plugin{n}Integration)
'''


def write_plugins(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"bench_plugin_{n:04d}.py").write_text(TEMPLATE.format(n=n))
    return folder


def run(
    quick: bool, rounds: int, progress: Callable[[str], None]
) -> tuple[list[Row], dict[str, str]]:
    folder = Path(tempfile.mkdtemp(prefix="bench-startup-plugins-"))
    try:
        data = make_data_dir(folder / "data", CONFIGS)
        plugins = write_plugins(data / "plugins", PLUGINS)
        script = str(BENCH_DIR / "startup_child.py")
        env = {**app_env(data), "PYTHONPATH": str(BENCH_DIR), "BENCH_WITHOUT": "apprise"}
        ready = {"integrations": BUILTIN_INTEGRATIONS + PLUGINS, "configs": CONFIGS}
        sides = {
            "project": side(
                [sys.executable, script, "project"], {**env, "BENCH_READY": json.dumps(ready)}
            ),
            "floor": side([sys.executable, script, "imports", str(plugins)], env),
        }
        # The first launch writes the bytecode caches and probes every plugin in a
        # child process (verdicts cached by fingerprint): minutes, hence its own limit.
        warm = {**env, "BENCH_DEADLINE": "900", "BENCH_READY": json.dumps(ready)}
        side([sys.executable, script, "project"], warm)()
        sides["floor"]()
        samples = alternate(sides, rounds, lambda text: progress(f"startup_plugins: {text}"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    project, floor = samples.median("project", "ready"), samples.median("floor", "ready")
    rss, floor_rss = samples.median("project", "rss_ready"), samples.median("floor", "rss_ready")
    return [
        Row(
            "start-up",
            f"launch to ready window with {PLUGINS:,} plugins in the folder (no manifests)",
            f"{fmt_time(project)}, {rss:.0f} MiB",
            f"bare window importing them from cached bytecode: {fmt_time(floor)}, "
            f"{floor_rss:.0f} MiB",
            project / floor,
            "project/floor (time)",
            f"<= {LIMIT}",
            project / floor <= LIMIT,
        )
    ], {}
