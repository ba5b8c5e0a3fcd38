"""PostgreSQL: other processes' changes pushed to running managers, and the team key."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_integrations import (
    ConfigConflictError,
    IntegrationManager,
    StoreError,
    open_store,
)
from desktop_integrations.signals import configs_changed, store_connection_changed
from desktop_integrations.storage.team_key import TeamKeyBox
from tests.core.live_writer import Live, run_writer
from tests.postgres import Cluster

WAIT = 30.0  # a bound on a hang, not a speed target: bench/run.py --only store measures


@pytest.fixture
def manager(pg_url: str) -> Iterator[IntegrationManager]:
    manager = IntegrationManager(open_store(pg_url))
    manager.register_integration_class(Live)
    yield manager
    manager.shutdown()
    manager.store.close()


@pytest.fixture
def changes(manager: IntegrationManager) -> Iterator[queue.Queue[object]]:
    seen: queue.Queue[object] = queue.Queue()

    def note(sender: object, **kwargs: Any) -> None:
        seen.put(sender)

    configs_changed.connect(note, sender=manager)
    yield seen
    configs_changed.disconnect(note, sender=manager)


def wait_for(seen: queue.Queue[object], manager: IntegrationManager, names: list[str]) -> None:
    """Wait for pushed changes until the manager's cache shows ``names``."""
    live = manager.get_integration("test.live")
    while [c.name for c in live.get_configs()] != names:
        seen.get(timeout=WAIT)


def test_another_process_save_delete_and_disable_reach_a_running_manager(
    manager: IntegrationManager, changes: queue.Queue[object], pg_url: str
) -> None:
    live = manager.get_integration("test.live")
    assert live.get_configs() == [] and not live.enabled
    run_writer(pg_url, "save", "theirs")
    wait_for(changes, manager, ["theirs"])  # no check_expired() anywhere
    assert live.enabled
    assert live.get_configs()[0].get("token") == "theirs-token"

    run_writer(pg_url, "save", "second")
    wait_for(changes, manager, ["theirs", "second"])
    run_writer(pg_url, "disable", "theirs")
    wait_for(changes, manager, ["second"])
    assert live.enabled
    run_writer(pg_url, "delete", "second")
    wait_for(changes, manager, [])
    assert not live.enabled
    names = [(c.name, c.enabled) for c in manager.get_integration_configs()]
    assert names == [("theirs", False)]


def save_at_once(config: Any, name: str, barrier: threading.Barrier, outcomes: list[str]) -> None:
    config.name = name
    barrier.wait()
    try:
        config.save()
        outcomes.append("saved")
    except ConfigConflictError:
        outcomes.append("conflict")


def test_concurrent_edits_conflict(manager: IntegrationManager, pg_url: str) -> None:
    config = manager.get_integration("test.live").create_config(
        enabled=True, save=True, name="shared"
    )
    others = [IntegrationManager(open_store(pg_url)) for _ in range(2)]
    try:
        for other in others:
            other.register_integration_class(Live)
        for round_ in range(5):
            copies = [other.get_config(config.id or 0) for other in others]
            outcomes: list[str] = []
            barrier = threading.Barrier(2)
            threads = [
                threading.Thread(target=save_at_once, args=(c, f"r{round_}-{n}", barrier, outcomes))
                for n, c in enumerate(copies)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert sorted(outcomes) == ["conflict", "saved"]
            for other in others:
                other.check_expired()
    finally:
        for other in others:
            other.shutdown()
            other.store.close()


def test_a_member_without_the_team_key_sees_configs_and_overwrites_nothing(
    manager: IntegrationManager, pg_url: str, tmp_path: Path
) -> None:
    live = manager.get_integration("test.live")
    live.build_config_form(data={"name": "ci", "token": "s3cret-token"}).save()
    stored = manager.store.query("SELECT settings FROM configs")[0][0]
    member_key = tmp_path / "member" / "team.key"
    member = IntegrationManager(open_store(pg_url, secrets=TeamKeyBox(member_key)))
    try:
        member.register_integration_class(Live)
        assert any("does not have the team key" in w for w in member.store.warnings)
        (config,) = member.get_integration_configs(Live)
        assert config.name == "ci" and config.get("token") is None
        assert any("cannot decrypt" in problem for problem in config.problems)
        config.name = "ci (renamed)"
        config.save()
        assert manager.store.query("SELECT settings FROM configs")[0][0] == stored
        config.set("token", "guess")
        with pytest.raises(StoreError, match="team key"):
            config.save()
        assert not member_key.exists()  # the database's key is not replaced by a new one
    finally:
        member.shutdown()
        member.store.close()

    team_key = manager.store.secrets
    assert isinstance(team_key, TeamKeyBox)
    member_key.parent.mkdir()
    member_key.write_bytes(team_key.path.read_bytes())  # handed over out of band
    member = IntegrationManager(open_store(pg_url, secrets=TeamKeyBox(member_key)))
    try:
        member.register_integration_class(Live)
        (config,) = member.get_integration_configs(Live)
        assert (config.name, config.get("token")) == ("ci (renamed)", "s3cret-token")
    finally:
        member.shutdown()
        member.store.close()


def test_wrong_password_and_no_server_are_one_line_naming_the_host(
    postgres_cluster: Cluster,
) -> None:
    wrong = postgres_cluster.url(password="not-the-Passw0rd")
    with pytest.raises(StoreError) as raised:
        open_store(wrong)
    message = str(raised.value)
    assert f"127.0.0.1:{postgres_cluster.port}" in message
    assert "password was refused" in message
    assert "not-the-Passw0rd" not in message and "\n" not in message

    result = subprocess.run(
        [sys.executable, "-m", "desktop_integrations", "--database", wrong, "list"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and "not-the-Passw0rd" not in result.stderr
    assert f"127.0.0.1:{postgres_cluster.port}" in result.stderr

    nobody = wrong.replace(str(postgres_cluster.port), str(postgres_cluster.port + 1))
    with pytest.raises(StoreError, match="nothing is listening there"):
        open_store(nobody)


def test_a_lost_server_is_retried_and_edits_are_refused_meanwhile(tmp_path: Path) -> None:
    cluster = Cluster(Path(postgres_bindir()))
    cluster.start()
    states: queue.Queue[bool] = queue.Queue()

    def note(sender: object, connected: bool, **kwargs: Any) -> None:
        states.put(connected)

    store = open_store(cluster.url())
    store_connection_changed.connect(note, sender=store)
    manager = IntegrationManager(store)
    try:
        live = manager.register_integration_class(Live)
        config = live.create_config(enabled=True, save=True, name="before")
        cluster.stop_server()
        assert states.get(timeout=WAIT) is False
        config.name = "while away"
        with pytest.raises(StoreError, match=r"not connected to the team database at 127\.0\.0\.1"):
            config.save()
        cluster.start_server()
        while states.get(timeout=WAIT) is not True:
            pass
        config.save()
        assert store.query("SELECT name FROM configs")[0][0] == "while away"
    finally:
        store_connection_changed.disconnect(note, sender=store)
        manager.shutdown()
        store.close()
        cluster.stop()


def postgres_bindir() -> str:
    from tests.postgres import find_bindir

    found = find_bindir()
    if found is None:
        pytest.skip("PostgreSQL is not installed")
    return str(found)


def test_a_newer_schema_is_refused_and_left_untouched(pg_url: str) -> None:
    from desktop_integrations import SchemaTooNewError
    from desktop_integrations.storage.pg_schema import PG_SCHEMA_VERSION

    store = open_store(pg_url)
    with store.transaction("pretend a newer version wrote it") as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (99,))
        conn.execute("CREATE TABLE from_the_future (x INTEGER)")
    before = store.query("SELECT key, value FROM meta ORDER BY key")
    with pytest.raises(
        SchemaTooNewError, match=f"schema 99; this version reads up to {PG_SCHEMA_VERSION}"
    ):
        open_store(pg_url)
    assert store.query("SELECT key, value FROM meta ORDER BY key") == before
    assert store.query("SELECT count(*) FROM from_the_future")[0][0] == 0
    store.close()
