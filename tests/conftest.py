"""Shared fixtures: every test gets its own data, config, plugins and cache folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never touch the developer's real keyring: secrets go through the key file.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from desktop_integrations import ConfigStore, IntegrationManager
from desktop_integrations.manager import set_integration_manager


@pytest.fixture(autouse=True)
def isolated_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DESKTOP_INTEGRATIONS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DESKTOP_INTEGRATIONS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("DESKTOP_INTEGRATIONS_PLUGINS_DIR", str(tmp_path / "plugins"))
    monkeypatch.setenv("DESKTOP_INTEGRATIONS_CACHE_DIR", str(tmp_path / "cache"))
    set_integration_manager(None)
    yield
    set_integration_manager(None)
    # Stop the workers the test's emits started, before its database is closed.
    from desktop_integrations.delivery.pool import get_delivery_pool, set_delivery_pool

    get_delivery_pool().shutdown()
    set_delivery_pool(None)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "integrations.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[ConfigStore]:
    store = ConfigStore(db_path)
    yield store
    store.close()


@pytest.fixture
def manager(store: ConfigStore) -> Iterator[IntegrationManager]:
    manager = IntegrationManager(store)
    yield manager
    manager.shutdown()
