"""Every built-in plugin loads, so a fresh install is never empty."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import desktop_integrations.plugins
from desktop_integrations import IntegrationManager
from desktop_integrations.extensions.manager import ExtensionManager


def test_every_built_in_plugin_loads_without_error(
    manager: IntegrationManager, tmp_path: Path
) -> None:
    modules = {
        info.name
        for info in pkgutil.iter_modules(desktop_integrations.plugins.__path__)
        if not info.name.startswith("_")
    }
    extensions = ExtensionManager(manager, [tmp_path], safe_mode=True)
    extensions.load()
    try:
        assert extensions.get_load_errors() == {}
        loaded = extensions.get_extensions()
        assert loaded, "no built-in extension: a fresh install would be empty"
        assert {cls.plugin_name for cls in loaded} == modules
        assert all(cls.instance is not None for cls in loaded)
        assert len(manager.get_integrations()) >= len(modules)
    finally:
        extensions.shutdown()
    assert manager.get_integrations() == []
