"""Folder plugins' bytecode is cached in the user cache folder, keyed by their contents."""

from __future__ import annotations

import importlib.machinery
import os
from pathlib import Path
from typing import Any

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.extensions.manager import ExtensionManager

PLUGIN = """
from desktop_integrations import Extension, Integration, IntegrationHook


class PagerIntegration(Integration):
    integration_id = "pager.integration"
    name = "{name}"


class PagerExtension(Extension):
    def initialize(self):
        IntegrationHook(self, PagerIntegration)
"""


@pytest.fixture
def plugins(tmp_path: Path) -> Path:
    folder = tmp_path / "user-plugins"
    folder.mkdir()
    return folder


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The plugin files this process compiles from source."""
    paths: list[str] = []
    original = importlib.machinery.SourceFileLoader.source_to_code

    def source_to_code(self: Any, data: Any, path: Any, **kwargs: Any) -> Any:
        if "user-plugins" in str(path):
            paths.append(str(path))
        return original(self, data, path, **kwargs)

    monkeypatch.setattr(importlib.machinery.SourceFileLoader, "source_to_code", source_to_code)
    return paths


def start(manager: IntegrationManager, plugins: Path) -> str:
    """Start as the app does; return the plugin's integration's name."""
    extensions = ExtensionManager(manager, [plugins], safe_mode=False)
    extensions.load()
    try:
        return manager.get_integration("pager.integration").name
    finally:
        extensions.shutdown()


def entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "plugin-bytecode").glob("*.pyc"))


def test_the_second_start_uses_the_cache_and_a_changed_source_is_compiled_again(
    manager: IntegrationManager, plugins: Path, tmp_path: Path, compiled: list[str]
) -> None:
    module = plugins / "pager.py"
    module.write_text(PLUGIN.format(name="Pager"))
    assert start(manager, plugins) == "Pager"
    [entry] = entries(tmp_path)
    first = entry.read_bytes()
    compiled.clear()

    assert start(manager, plugins) == "Pager"
    assert compiled == []  # from the cache

    # Same size and modification time: only the contents tell the change.
    stat = module.stat()
    module.write_text(PLUGIN.format(name="Pagex"))
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert start(manager, plugins) == "Pagex"
    [entry] = entries(tmp_path)  # replaced, not added to
    assert entry.read_bytes() != first
    assert not list(plugins.rglob("__pycache__"))


def test_an_entry_others_may_write_is_not_used(
    manager: IntegrationManager, plugins: Path, tmp_path: Path, compiled: list[str]
) -> None:
    (plugins / "pager.py").write_text(PLUGIN.format(name="Pager"))
    start(manager, plugins)
    [entry] = entries(tmp_path)
    entry.chmod(0o666)
    compiled.clear()
    assert start(manager, plugins) == "Pager"
    assert compiled == [str(plugins / "pager.py")]


def test_a_damaged_entry_is_compiled_again(
    manager: IntegrationManager, plugins: Path, tmp_path: Path, compiled: list[str]
) -> None:
    (plugins / "pager.py").write_text(PLUGIN.format(name="Pager"))
    start(manager, plugins)
    [entry] = entries(tmp_path)
    entry.write_bytes(entry.read_bytes()[:-20])
    compiled.clear()
    assert start(manager, plugins) == "Pager"
    assert compiled == [str(plugins / "pager.py")]
