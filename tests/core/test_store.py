from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC
from pathlib import Path

import pytest
from pydantic import SecretStr

from desktop_integrations import (
    ConfigConflictError,
    ConfigStore,
    Integration,
    IntegrationConfigForm,
    IntegrationManager,
    SchemaTooNewError,
    StoreError,
)
from desktop_integrations.storage.schema import SCHEMA_VERSION


class TokenForm(IntegrationConfigForm):
    token: SecretStr = SecretStr("")
    room: str = "general"


class Chat(Integration):
    integration_id = "test.chat"
    name = "Chat"
    config_form_cls = TokenForm


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


def test_reopening_keeps_everything(db_path: Path, chat: Integration) -> None:
    config = chat.create_config(enabled=True, save=True, name="keep", settings={"room": "ops"})
    chat.integration_mgr.store.close()
    manager = IntegrationManager(ConfigStore(db_path))
    manager.register_integration_class(Chat)
    (again,) = manager.get_integration_configs(Chat)
    assert (again.id, again.name, again.settings) == (config.id, "keep", {"room": "ops"})
    assert again.time_added == config.time_added
    manager.store.close()


def test_timestamps_are_aware_and_last_updated_moves_on_every_save(chat: Integration) -> None:
    config = chat.create_config(enabled=True, name="t")
    config.save()
    assert config.time_added is not None and config.last_updated is not None
    assert config.time_added.tzinfo is UTC
    added, first = config.time_added, config.last_updated
    config.save()
    assert config.time_added == added
    assert config.last_updated > first
    assert config.revision == 2


def test_conflicting_save_is_refused_and_force_overwrites(
    chat: Integration, manager: IntegrationManager, db_path: Path
) -> None:
    mine = chat.create_config(enabled=True, save=True, name="original")
    other_manager = IntegrationManager(ConfigStore(db_path))
    (theirs,) = other_manager.get_integration_configs("test.chat")
    theirs.name = "theirs"
    theirs.save()

    mine.name = "mine"
    with pytest.raises(ConfigConflictError, match="changed by another window or process"):
        mine.save()
    assert manager.store.query("SELECT name FROM configs")[0][0] == "theirs"
    mine.save(force=True)
    assert manager.store.query("SELECT name, revision FROM configs")[0][:] == ("mine", 3)

    # Their copy is stale now: deleting it would discard my change unnoticed.
    with pytest.raises(ConfigConflictError, match=r"changed .* Reload it, or delete it anyway"):
        theirs.delete()
    assert manager.store.query("SELECT name FROM configs")[0][0] == "mine"
    theirs.delete(force=True)
    with pytest.raises(ConfigConflictError, match="deleted"):
        mine.save()
    mine.save(force=True)
    assert manager.store.query("SELECT id, name FROM configs")[0][:] == (mine.id, "mine")
    other_manager.store.close()


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


def test_secret_marked_settings_stay_encrypted_without_the_integration(
    chat: Integration, manager: IntegrationManager
) -> None:
    chat.build_config_form(data={"name": "s", "token": "hidden-value"}).save()
    manager.unregister_integration_class(Chat)
    manager.clear_all_configs_cache()
    (orphan,) = manager.get_integration_configs()
    orphan.name = "renamed"
    orphan.save()
    raw = manager.store.query("SELECT settings FROM configs")[0][0]
    assert "hidden-value" not in raw
    assert orphan.get("token") == "hidden-value"


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


def test_non_json_settings_fail_with_a_clear_error(chat: Integration) -> None:
    config = chat.create_config(enabled=True, name="bad", settings={"when": object()})
    with pytest.raises(StoreError, match="not JSON-compatible"):
        config.save()
    assert config.id is None


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


def test_nested_transactions_commit_with_the_outer_one(
    chat: Integration, manager: IntegrationManager
) -> None:
    store = manager.store
    with pytest.raises(RuntimeError), store.transaction("save two"):
        chat.create_config(enabled=True, save=True, name="one")
        chat.create_config(enabled=True, save=True, name="two")
        raise RuntimeError("the second half failed")
    assert store.query("SELECT count(*) FROM configs")[0][0] == 0
    assert manager.check_expired()
    assert chat.get_configs() == []

    with store.transaction("save one"):
        chat.create_config(enabled=True, save=True, name="kept")
        with pytest.raises(RuntimeError), store.transaction("save an undone one"):
            chat.create_config(enabled=True, save=True, name="undone")
            raise RuntimeError("undo this part only")
        chat.create_config(enabled=True, save=True, name="also kept")
    names = [row[0] for row in store.query("SELECT name FROM configs")]
    assert names == ["kept", "also kept"]


def test_config_summaries_list_every_configuration_in_one_read(
    store: ConfigStore, manager: IntegrationManager, chat: Integration
) -> None:
    first = chat.create_config(enabled=True, name="Ops", save=True)
    second = chat.create_config(name="Dev", enabled=False, save=True)
    manager.unregister_integration_class(Chat)  # kept, and still listed
    assert store.config_summaries() == [
        (first.id, "test.chat", "Ops", 1),
        (second.id, "test.chat", "Dev", 0),
    ]
    second.delete()
    assert [row[2] for row in store.config_summaries()] == ["Ops"]
