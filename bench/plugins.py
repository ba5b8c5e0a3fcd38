"""Benchmark 5: loading 200 plugin modules from a folder with ExtensionManager.

Time per plugin is the median ``load()`` time with the 200 plugins minus the
median with an empty folder (the built-in plugins are loaded in both), over
200. The plugins are new in every round, and a new plugin is first imported in
a child process (the probe) before the app imports it: that first load is
reported as it is, and the main figure is a second start on the same plugins
(and, for the empty folder, a second start too), whose probe verdicts are then
cached, with the app's bytecode cache removed in between so that both sides
compile the plugins. The floor is the same 200
files imported with bare ``importlib``. A ``rescan()`` with nothing changed
must import nothing.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from timing import BENCH_DIR, Row, alternate, child_env, fmt_time, run_child

PLUGINS = 200
TEMPLATE = '''"""Benchmark plugin {n}."""

import sys

from desktop_integrations import Extension, Integration, IntegrationConfigForm, IntegrationHook
from pydantic import Field

sys.modules["bench_counter"].executed.append(__name__)


class Plugin{n}Form(IntegrationConfigForm):
    url: str = Field(title="URL")
    retries: int = Field(default=3, title="Retries", ge=0)


class Plugin{n}Integration(Integration):
    integration_id = "bench_plugin_{n:03d}.integration"
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
    folder.mkdir(parents=True)
    for n in range(count):
        (folder / f"bench_plugin_{n:03d}.py").write_text(TEMPLATE.format(n=n))
    return folder


def _side(mode: str, root: Path, count: int) -> Callable[[], dict[str, float]]:
    def run() -> dict[str, float]:
        work = Path(tempfile.mkdtemp(dir=root))
        folder = write_plugins(work / "plugins", count)
        script = str(BENCH_DIR / "plugins_child.py")
        argv = [sys.executable, script, mode, str(folder), str(work)]
        env = child_env(
            {
                "PYTHONPATH": str(BENCH_DIR),
                "DESKTOP_INTEGRATIONS_DATA_DIR": str(work),
                "DESKTOP_INTEGRATIONS_CONFIG_DIR": str(work / "config"),
                "DESKTOP_INTEGRATIONS_CACHE_DIR": str(work / "cache"),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                # Fresh plugin files every run: both sides compile them.
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        try:
            first = None
            if mode == "project":
                # The first start with these plugins probes each; the second
                # finds the verdicts cached, and compiles them again. The empty
                # folder's side starts twice too, its caches then as warm.
                warm = [sys.executable, script, "first", str(folder), str(work)]
                first = run_child(warm, env).result["load"]
                shutil.rmtree(work / "cache" / "plugin-bytecode", ignore_errors=True)
            result = run_child(argv, env).result
            if first is not None:
                result["first_load"] = first
        finally:
            shutil.rmtree(work, ignore_errors=True)
        assert mode == "bare" or count == 0 or result["executed"] == count, result
        return result

    return run


def run(
    quick: bool, rounds: int, progress: Callable[[str], None]
) -> tuple[list[Row], dict[str, str]]:
    root = Path(tempfile.mkdtemp(prefix="bench-plugins-"))
    try:
        sides = {
            "project": _side("project", root, PLUGINS),
            "empty": _side("project", root, 0),
            "bare": _side("bare", root, PLUGINS),
        }
        samples = alternate(sides, rounds, lambda text: progress(f"plugins: {text}"))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    empty = samples.median("empty", "load")
    per_plugin = (samples.median("project", "load") - empty) / PLUGINS
    first_per_plugin = (
        samples.median("project", "first_load") - samples.median("empty", "first_load")
    ) / PLUGINS
    bare = samples.median("bare", "load") / PLUGINS
    rescan_imports = max(samples.values["project"]["rescan_imports"])
    changed_imports = max(samples.values["project"]["rescan_changed_imports"])
    return [
        Row(
            "plugins",
            f"load {PLUGINS} plugin modules, probed before (per plugin)",
            fmt_time(per_plugin),
            f"bare importlib {fmt_time(bare)}",
            per_plugin / bare,
            "project/bare",
        ),
        Row(
            "plugins",
            f"secondary: first load of {PLUGINS} new plugin modules, each probed (per plugin)",
            fmt_time(first_per_plugin),
            f"bare importlib {fmt_time(bare)}",
            first_per_plugin / bare,
            "project/bare",
        ),
        Row(
            "plugins",
            "rescan() with nothing changed",
            f"{fmt_time(samples.median('project', 'rescan'))}, {rescan_imports:.0f} imports",
            "-",
            None,
            "",
            "0 imports",
            rescan_imports == 0,
        ),
        Row(
            "plugins",
            "rescan() after one plugin changed",
            f"{changed_imports:.0f} import(s)",
            "-",
            None,
            "",
            "1 import",
            changed_imports == 1,
        ),
    ], {}
