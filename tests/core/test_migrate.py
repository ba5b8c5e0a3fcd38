"""``migrate``: every configuration, secret and plugin state, between SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop_integrations import (
    IntegrationManager,
    Store,
    StoreError,
    open_store,
)
from desktop_integrations.cli.migrate import copy_store
from tests.core.chat import Chat


@pytest.fixture(params=["sqlite-to-postgresql", "postgresql-to-sqlite"])
def ends(request: pytest.FixtureRequest, db_path: Path, pg_url: str) -> tuple[str, str]:
    sqlite = str(db_path)
    return (sqlite, pg_url) if request.param.startswith("sqlite") else (pg_url, sqlite)


def fill(target: str) -> list[tuple[object, ...]]:
    manager = IntegrationManager(open_store(target))
    try:
        chat = manager.register_integration_class(Chat)
        chat.build_config_form(data={"name": "ops", "token": "xoxb-OPS", "room": "ops"}).save()
        off = chat.build_config_form(data={"name": "off", "token": "xoxb-OFF", "enabled": False})
        off.save()
        manager.unregister_integration_class(Chat)
        orphan = manager.get_integration_configs()[0].copy("from a removed plugin")
        orphan.integration_id = "gone.plugin"
        orphan.save()
        manager.store.set_extension_enabled("plugins.chat.ChatExtension", False)
        return described(manager)
    finally:
        manager.shutdown()
        manager.store.close()


def described(manager: IntegrationManager) -> list[tuple[object, ...]]:
    if not manager.is_registered("test.chat"):
        manager.register_integration_class(Chat)
    return [
        (c.id, c.uid, c.integration_id, c.name, c.enabled, c.get("room"), c.get("token"))
        for c in manager.get_integration_configs()
    ]


def test_migrate_copies_everything_and_reports_counts(ends: tuple[str, str]) -> None:
    source, target = ends
    before = fill(source)
    result = subprocess.run(
        [sys.executable, "-m", "desktop_integrations", "--database", source, "migrate",
         "--to", target],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "Copied 3 configurations (3 secrets encrypted with the target's key) and 1 plugin states"
    )
    copied = IntegrationManager(open_store(target))
    try:
        assert described(copied) == before
        assert copied.store.extension_enabled("plugins.chat.ChatExtension") is False
        for row in copied.store.query("SELECT settings FROM configs"):
            assert "xoxb" not in row[0]
        added = copied.get_integration("test.chat").create_config(save=True, name="new")
        assert added.id == 4  # the target hands out IDs after the copied ones
    finally:
        copied.shutdown()
        copied.store.close()


def test_a_target_with_configurations_is_refused(ends: tuple[str, str]) -> None:
    source, target = ends
    fill(source)
    fill(target)
    result = subprocess.run(
        [sys.executable, "-m", "desktop_integrations", "--database", source, "migrate",
         "--to", target],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "already holds 3 configurations" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_failure_part_way_copies_nothing(ends: tuple[str, str]) -> None:
    source, target = ends
    fill(source)
    source_store, target_store = open_store(source), open_store(target)
    saves = 0
    real_save = target_store.save_config

    def failing_save(*args: object, **kwargs: object) -> int:
        nonlocal saves
        saves += 1
        if saves == 3:
            raise StoreError("the disk is full")
        return real_save(*args, **kwargs)  # type: ignore[arg-type]

    target_store.save_config = failing_save  # type: ignore[method-assign]
    try:
        with pytest.raises(StoreError, match="full"):
            copy_store(source_store, target_store)
        assert target_store.config_summaries() == []
        assert target_store.extension_states() == {}
    finally:
        source_store.close()
        target_store.close()


def test_secrets_that_cannot_be_decrypted_stop_the_copy(
    pg_url: str, db_path: Path, tmp_path: Path
) -> None:
    from desktop_integrations.storage.team_key import TeamKeyBox

    fill(pg_url)
    keyless: Store = open_store(pg_url, secrets=TeamKeyBox(tmp_path / "none" / "team.key"))
    target = open_store(str(db_path))
    try:
        with pytest.raises(StoreError, match="cannot be decrypted"):
            copy_store(keyless, target)
        assert target.config_summaries() == []
    finally:
        keyless.close()
        target.close()
