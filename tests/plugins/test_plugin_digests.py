"""Plugin files' digests are remembered by their status, and no edit is ever missed."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.extensions import bytecode, digests
from desktop_integrations.extensions.digests import DigestCache
from desktop_integrations.extensions.manager import ExtensionManager
from tests.plugins.test_bytecode_cache import PLUGIN
from tests.plugins.test_bytecode_cache import start as start_app


@pytest.fixture
def plugins(tmp_path: Path) -> Path:
    folder = tmp_path / "user-plugins"
    folder.mkdir()
    return folder


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as settled at once, as they do a few seconds after their last change."""
    monkeypatch.setattr(digests, "SETTLE", 0.0)


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each start reads the caches from disk, as a new process would."""
    monkeypatch.setattr(bytecode, "_defaults", {})
    yield


def start(manager: IntegrationManager, plugins: Path) -> str:
    """Start as a new process does (its bytecode cache read from disk); return the name."""
    bytecode._defaults.clear()
    return start_app(manager, plugins)


def remembered(tmp_path: Path, module: Path) -> bytes | None:
    cache = DigestCache(tmp_path / "cache" / "plugin-digests.json")
    return cache.known(str(module), module.stat())


def edit_keeping_size_and_time(module: Path, name: str) -> None:
    stat = module.stat()
    module.write_text(PLUGIN.format(name=name))
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert module.stat().st_size == stat.st_size


@pytest.mark.usefixtures("settled", "fresh_process")
def test_an_edit_after_the_digest_was_remembered_is_imported(
    manager: IntegrationManager, plugins: Path, tmp_path: Path
) -> None:
    module = plugins / "pager.py"
    module.write_text(PLUGIN.format(name="Pager"))
    assert start(manager, plugins) == "Pager"
    assert remembered(tmp_path, module) is not None

    edit_keeping_size_and_time(module, "Pagex")
    assert remembered(tmp_path, module) is None  # its change time moved on
    assert start(manager, plugins) == "Pagex"


@pytest.mark.usefixtures("settled")
def test_a_rescan_sees_an_edit_that_keeps_size_and_modification_time(
    manager: IntegrationManager, plugins: Path
) -> None:
    module = plugins / "pager.py"
    module.write_text(PLUGIN.format(name="Pager"))
    extensions = ExtensionManager(manager, [plugins])
    try:
        extensions.load()
        edit_keeping_size_and_time(module, "Pagex")
        assert extensions.rescan() is True
        assert manager.get_integration("pager.integration").name == "Pagex"
    finally:
        extensions.shutdown()


@pytest.mark.usefixtures("fresh_process")
def test_a_file_changed_moments_ago_is_hashed_again_until_it_settles(
    manager: IntegrationManager, plugins: Path, tmp_path: Path
) -> None:
    module = plugins / "pager.py"
    module.write_text(PLUGIN.format(name="Pager"))
    assert start(manager, plugins) == "Pager"
    # A second write within the same clock tick would leave its status as it is.
    assert remembered(tmp_path, module) is None


@pytest.mark.usefixtures("settled", "fresh_process")
def test_digests_another_user_may_write_are_not_trusted(
    manager: IntegrationManager, plugins: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    module = plugins / "pager.py"
    module.write_text(PLUGIN.format(name="Pager"))
    assert start(manager, plugins) == "Pager"
    cache_file = tmp_path / "cache" / "plugin-digests.json"
    old = json.loads(cache_file.read_text())["files"][str(module)]

    # Someone makes the edited file's status point at the old contents' digest,
    # whose compiled code is in the bytecode cache.
    module.write_text(PLUGIN.format(name="Pagex"))
    stat = module.stat()
    forged = [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, old[5]]
    cache_file.write_text(json.dumps({"version": 1, "files": {str(module): forged}}))
    cache_file.chmod(0o666)

    with caplog.at_level(logging.WARNING):
        assert start(manager, plugins) == "Pagex"
    assert "another user could have written it" in caplog.text
