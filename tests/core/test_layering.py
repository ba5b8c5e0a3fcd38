"""The core is usable without Qt: importing it must never load PySide6."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import desktop_integrations


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(desktop_integrations.__path__, "desktop_integrations."):
        if info.name.startswith("desktop_integrations.ui") or info.name in (
            "desktop_integrations.app",
            "desktop_integrations.__main__",
        ):
            continue
        names.append(info.name)
    return names


def test_every_non_ui_module_imports_without_pyside6() -> None:
    modules = core_modules()
    assert "desktop_integrations.manager" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6')\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
