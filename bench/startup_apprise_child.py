"""Load the built-in plugins with Apprise installed or hidden; optionally build every form.

Usage: python bench/startup_apprise_child.py native|apprise|eager WORKDIR

``native`` hides Apprise (the eight native integrations only), ``apprise``
loads its 170+ services with their forms left lazy, ``eager`` then builds
every form, as start-up would if forms were built at registration.
"""

from __future__ import annotations

import importlib.machinery
import sys
import time
from pathlib import Path
from typing import Any

from child_result import emit


class HideApprise(importlib.machinery.PathFinder):
    @classmethod
    def find_spec(cls, name: str, path: Any = None, target: Any = None) -> Any:
        if name.partition(".")[0] == "apprise":
            return None
        return importlib.machinery.PathFinder.find_spec(name, path, target)


def main() -> None:
    started = time.perf_counter()
    mode, workdir = sys.argv[1], Path(sys.argv[2])
    if mode == "native":
        sys.meta_path = [
            HideApprise if f is importlib.machinery.PathFinder else f for f in sys.meta_path
        ]
    from desktop_integrations.extensions.manager import ExtensionManager
    from desktop_integrations.lazy_form import LazyConfigForm
    from desktop_integrations.manager import IntegrationManager
    from desktop_integrations.storage import ConfigStore

    manager = IntegrationManager(ConfigStore(workdir / "db.sqlite3"))
    extensions = ExtensionManager(manager, plugin_dirs=[workdir], safe_mode=True)
    start = time.perf_counter()
    extensions.load()
    loaded = time.perf_counter()
    lazy = [
        attr
        for i in manager.get_integrations()
        if isinstance(attr := type(i).__dict__.get("config_form_cls"), LazyConfigForm)
    ]
    built_at_load = sum(form.built for form in lazy)
    if mode == "eager":
        for integration in manager.get_integrations():
            integration.build_config_form()
    done = time.perf_counter()
    emit(
        {
            "load": (done if mode == "eager" else loaded) - start,
            "process": done - started,
            "integrations": len(manager.get_integrations()),
            "built_at_load": built_at_load,
        }
    )


if __name__ == "__main__":
    main()
