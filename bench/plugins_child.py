"""Load a folder of plugin modules, with ExtensionManager or with bare importlib.

Usage: python bench/plugins_child.py project|first|bare FOLDER WORKDIR

``first`` only loads the plugins (their first start, which probes them).

Each plugin module appends its name to ``bench_counter.executed`` when its
body runs, so the child can tell exactly how many plugin modules were
imported (executed) by ``load()`` and by a ``rescan()`` with nothing changed.
"""

from __future__ import annotations

import importlib.util
import sys
import time
import types
from pathlib import Path

from child_result import emit

# What every plugin imports is loaded before any timing starts: its cost is the
# core's, not the plugins' (the package exports its names lazily).
from desktop_integrations import (  # noqa: F401
    Extension,
    Integration,
    IntegrationConfigForm,
    IntegrationHook,
)

counter = types.ModuleType("bench_counter")
counter.executed = []  # type: ignore[attr-defined]
sys.modules["bench_counter"] = counter


def executed() -> int:
    return len(counter.executed)  # type: ignore[attr-defined]


def bare(folder: Path) -> dict[str, float]:
    start = time.perf_counter()
    for path in sorted(folder.glob("*.py")):
        name = f"bench_bare_plugins.{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return {"load": time.perf_counter() - start, "executed": executed()}


def project(folder: Path, workdir: Path, first_only: bool = False) -> dict[str, float]:
    from desktop_integrations.manager import IntegrationManager
    from desktop_integrations.storage import ConfigStore

    try:
        from desktop_integrations import ExtensionManager
    except ImportError:
        from desktop_integrations.extensions.manager import ExtensionManager

    manager = IntegrationManager(ConfigStore(workdir / "plugins.sqlite3"))
    extensions = ExtensionManager(manager, plugin_dirs=[folder])
    start = time.perf_counter()
    extensions.load()
    result = {"load": time.perf_counter() - start, "executed": executed()}
    if first_only:
        return result
    errors = {k: v for k, v in extensions.get_load_errors().items() if "bench_plugin" in k}
    assert not errors, errors
    before = executed()
    start = time.perf_counter()
    extensions.rescan()
    result["rescan"] = time.perf_counter() - start
    result["rescan_imports"] = executed() - before
    changed = sorted(folder.glob("*.py"))[0] if result["executed"] else None
    if changed is not None:
        # A changed plugin is picked up by the next rescan, and only that one.
        changed.write_text(changed.read_text() + "\n# changed\n")
        before = executed()
        extensions.rescan()
        result["rescan_changed_imports"] = executed() - before
    result["extensions"] = len(extensions.get_extensions())
    return result


def main() -> None:
    mode, folder, workdir = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    emit(bare(folder) if mode == "bare" else project(folder, workdir, mode == "first"))


if __name__ == "__main__":
    main()
