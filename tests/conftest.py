"""Shared fixtures: every test gets its own data, config, plugins and cache folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never touch the developer's real keyring: secrets go through the key file.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from desktop_integrations import ConfigStore, IntegrationManager, Store, open_store
from desktop_integrations.manager import set_integration_manager
from tests.postgres import Cluster, find_bindir
from tests.servers import RecordingServer, recording_server


@pytest.fixture(autouse=True)
def isolated_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DESKTOP_INTEGRATIONS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DESKTOP_INTEGRATIONS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("DESKTOP_INTEGRATIONS_PLUGINS_DIR", str(tmp_path / "plugins"))
    # The developer's own team database and key stay out of the tests.
    monkeypatch.delenv("DESKTOP_INTEGRATIONS_DATABASE", raising=False)
    monkeypatch.delenv("DESKTOP_INTEGRATIONS_TEAM_KEY", raising=False)
    monkeypatch.setenv("DESKTOP_INTEGRATIONS_CACHE_DIR", str(tmp_path / "cache"))
    # Where Qt keeps the window's geometry (QSettings): an app started in a
    # child process must not write the user's.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
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


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    """A recording HTTP server on 127.0.0.1, stopped after the test."""
    with recording_server() as server:
        yield server


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A PostgreSQL server of the test session's own (``.ci/run`` installs PostgreSQL)."""
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed: .ci/run should have installed it")
        pytest.skip("PostgreSQL is not installed (apt install postgresql)")
    cluster = Cluster(bindir)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(postgres_cluster: Cluster) -> Iterator[str]:
    """The URL of an empty database of the test's own (a schema, dropped afterwards)."""
    import uuid

    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin_url = postgres_cluster.url()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield f"{admin_url}?options=-c%20search_path%3D{schema}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, db_path: Path) -> str:
    """Where a store of each backend is: the SQLite file, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(db_path)
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def any_store(store_target: str) -> Iterator[Store]:
    """A store of each backend in turn: a test module makes it its ``store``."""
    store = open_store(store_target)
    yield store
    store.close()
