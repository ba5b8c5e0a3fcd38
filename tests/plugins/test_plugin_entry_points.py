"""Plugins of installed distributions, found through a fake ``*.dist-info`` on sys.path."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.extensions.manager import ExtensionManager
from tests.plugins.test_extension_manager import good, write_plugin

MODULES = ("di_fake_dist_one", "di_fake_dist_two", "di_fake_dist_broken")
ENTRY_POINTS = """\
[desktop_integrations.extensions]
by_class = di_fake_dist_one:OneExtension
by_module = di_fake_dist_two
broken = di_fake_dist_broken:Anything
not_an_extension = di_fake_dist_one:VALUE
"""


@pytest.fixture
def distribution(tmp_path: Path) -> Iterator[Path]:
    site = tmp_path / "site"
    write_plugin(site, "di_fake_dist_one.py", good("One") + "VALUE = 42\n")
    write_plugin(site, "di_fake_dist_two.py", good("Two"))
    write_plugin(site, "di_fake_dist_broken.py", "raise ImportError('needs libfoo')\n")
    dist_info = site / "di_fake_dist-1.2.dist-info"
    write_plugin(dist_info, "METADATA", "Metadata-Version: 2.1\nName: di-fake-dist\nVersion: 1.2\n")
    write_plugin(dist_info, "entry_points.txt", ENTRY_POINTS)
    sys.path.insert(0, str(site))
    importlib.invalidate_caches()
    yield site
    sys.path.remove(str(site))
    for name in MODULES:
        sys.modules.pop(name, None)
    importlib.invalidate_caches()


@pytest.fixture
def extensions(manager: IntegrationManager, tmp_path: Path) -> Iterator[ExtensionManager]:
    extension_manager = ExtensionManager(manager, [tmp_path / "no-plugins"])
    yield extension_manager
    extension_manager.shutdown()


def test_entry_points_naming_a_class_or_a_module_load(
    distribution: Path, extensions: ExtensionManager, manager: IntegrationManager
) -> None:
    extensions.load()

    assert manager.is_registered("di_fake_dist_one.OneIntegration")
    assert manager.is_registered("di_fake_dist_two.TwoIntegration")
    assert extensions.get_extension("di_fake_dist_one.OneExtension").plugin_name == "by_class"
    assert extensions.get_extension("di_fake_dist_two.TwoExtension").plugin_name == "by_module"


def test_broken_entry_points_are_reported_with_their_distribution(
    distribution: Path, extensions: ExtensionManager
) -> None:
    extensions.load()
    errors = extensions.get_load_errors()

    assert sorted(errors) == ["broken", "not_an_extension"]
    assert "'di_fake_dist_broken:Anything' of di-fake-dist 1.2" in errors["broken"].message
    assert "ImportError: needs libfoo" in errors["broken"].message
    assert "di_fake_dist_broken.py" in errors["broken"].traceback
    assert "names 42, which is neither a module nor an Extension subclass" in (
        errors["not_an_extension"].message
    )


def test_safe_mode_skips_installed_plugins(
    distribution: Path, manager: IntegrationManager, tmp_path: Path
) -> None:
    extension_manager = ExtensionManager(manager, [tmp_path], safe_mode=True)
    extension_manager.load()
    try:
        assert not manager.is_registered("di_fake_dist_one.OneIntegration")
        assert extension_manager.get_load_errors() == {}
        assert "di_fake_dist_broken" not in sys.modules
    finally:
        extension_manager.shutdown()
