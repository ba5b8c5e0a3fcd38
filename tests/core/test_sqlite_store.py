"""The SQLite backend's own behaviour: WAL, recovery, its files, a full disk."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from desktop_integrations import (
    ConfigStore,
    Integration,
    IntegrationManager,
    SchemaTooNewError,
    StoreError,
)
from desktop_integrations.storage.schema import SCHEMA_VERSION
from tests.core.chat import Chat


@pytest.fixture
def chat(manager: IntegrationManager) -> Integration:
    return manager.register_integration_class(Chat)


def test_database_uses_wal_full_sync_and_schema_version(store: ConfigStore) -> None:
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"configs", "extensions", "deliveries", "meta"} <= tables
    conn.close()
    assert store.query("PRAGMA synchronous")[0][0] == 2  # FULL


def test_secret_values_never_reach_the_data_folder_in_plaintext(
    chat: Integration, manager: IntegrationManager, tmp_path: Path
) -> None:
    form = chat.build_config_form(data={"name": "s", "token": "xoxb-TOP-SECRET-123"})
    config = form.save()
    assert config.get("token") == "xoxb-TOP-SECRET-123"
    config.set("token", "xoxb-ROTATED-456")
    config.save()
    manager.store.close()
    for path in (tmp_path / "data").rglob("*"):
        data = path.read_bytes()
        assert b"TOP-SECRET" not in data and b"ROTATED" not in data, path
    key_file = tmp_path / "config" / "secret.key"
    assert key_file.stat().st_mode & 0o777 == 0o600

    reopened = IntegrationManager(ConfigStore(manager.store.path))
    reopened.register_integration_class(Chat)
    (loaded,) = reopened.get_integration_configs("test.chat")
    assert loaded.get("token") == "xoxb-ROTATED-456"
    assert loaded.problems == []
    reopened.store.close()


def test_a_lost_key_marks_the_config_and_keeps_the_encrypted_value(
    chat: Integration, manager: IntegrationManager, tmp_path: Path
) -> None:
    chat.build_config_form(data={"name": "s", "token": "hidden-value"}).save()
    before = manager.store.query("SELECT settings FROM configs")[0][0]
    (tmp_path / "config" / "secret.key").unlink()
    store = ConfigStore(manager.store.path)
    other = IntegrationManager(store)
    other.register_integration_class(Chat)
    (config,) = other.get_integration_configs("test.chat")
    assert config.get("token") is None
    assert any("could not be decrypted" in problem for problem in config.problems)
    config.name = "renamed"
    config.save()
    after = store.query("SELECT settings FROM configs")[0][0]
    assert json.loads(after) == json.loads(before)
    store.close()


def test_unreadable_database_is_moved_aside_and_a_fresh_one_opened(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not a database at all" * 100)
    store = ConfigStore(db_path)
    assert store.recovered_from is not None
    assert store.recovered_from.name.startswith("integrations.sqlite3.corrupt-")
    assert store.recovered_from.read_bytes().startswith(b"this is not a database")
    assert store.query("SELECT count(*) FROM configs")[0][0] == 0
    store.close()


def test_database_that_fails_the_integrity_check_is_moved_aside(
    db_path: Path, chat: Integration, manager: IntegrationManager
) -> None:
    for index in range(200):
        chat.create_config(enabled=True, save=True, name=f"c{index}", settings={"room": "x" * 200})
    manager.store.close()
    data = bytearray(db_path.read_bytes() if db_path.stat().st_size else b"")
    wal = db_path.with_name(db_path.name + "-wal")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(db_path.read_bytes())
    for offset in range(len(data) // 2, len(data) // 2 + 4096):
        data[offset] = 0xFF
    db_path.write_bytes(bytes(data))
    assert not wal.exists() or wal.stat().st_size == 0
    original = bytes(data)
    store = ConfigStore(db_path)
    assert store.recovered_from is not None
    assert store.recovered_from.read_bytes() == original
    store.close()


def test_truncated_database_is_moved_aside(db_path: Path, chat: Integration) -> None:
    for index in range(100):
        chat.create_config(enabled=True, save=True, name=f"c{index}", settings={"room": "y" * 500})
    chat.integration_mgr.store.close()
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 3])
    store = ConfigStore(db_path)
    assert store.recovered_from is not None
    store.close()


def test_newer_schema_is_refused_and_left_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(SchemaTooNewError, match="newer version"):
        ConfigStore(db_path)
    assert db_path.read_bytes() == before
    assert list(db_path.parent.iterdir()) == [db_path]


def test_full_database_fails_the_save_and_changes_nothing(
    chat: Integration, manager: IntegrationManager
) -> None:
    kept = chat.create_config(enabled=True, save=True, name="kept", settings={"room": "a"})
    pages = manager.store.query("PRAGMA page_count")[0][0]
    manager.store.query(f"PRAGMA max_page_count = {pages}")
    big = chat.create_config(enabled=True, name="big", settings={"room": "z" * 100_000})
    with pytest.raises(StoreError, match="full"):
        big.save()
    assert big.id is None
    kept.set("room", "b" * 100_000)
    with pytest.raises(StoreError, match="full"):
        kept.save()
    rows = manager.store.query("SELECT name, settings, revision FROM configs")
    assert [tuple(row) for row in rows] == [("kept", '{"room": "a"}', 1)]


def test_read_only_database_opens_and_saves_fail_clearly(
    db_path: Path, chat: Integration, manager: IntegrationManager
) -> None:
    chat.create_config(enabled=True, save=True, name="kept")
    manager.store.close()
    db_path.chmod(0o444)
    store = ConfigStore(db_path)
    try:
        if os.geteuid() == 0:
            # File modes do not bind root; make SQLite itself refuse writes.
            store.query("PRAGMA query_only = ON")
        other = IntegrationManager(store)
        other.register_integration_class(Chat)
        (config,) = other.get_integration_configs("test.chat")
        config.name = "changed"
        with pytest.raises(StoreError, match="read-only"):
            config.save()
        assert store.query("SELECT name, revision FROM configs")[0][:] == ("kept", 1)
        assert config.revision == 1
    finally:
        store.close()
        db_path.chmod(0o644)
