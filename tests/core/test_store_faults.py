"""Storage faults meet a one-line message naming the file, never a traceback; nothing is deleted."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_integrations import ConfigStore, IntegrationManager
from desktop_integrations.errors import StoreError
from desktop_integrations.plugins.webhook import WebhookIntegration


def run(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_integrations", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        input=stdin,
    )


def add_webhooks(data_dir: Path, *names: str) -> None:
    store = ConfigStore(data_dir / "integrations.sqlite3")
    manager = IntegrationManager(store)
    try:
        manager.register_integration_class(WebhookIntegration)
        integration = manager.get_integration("builtin.webhook")
        for name in names:
            settings = {"url": f"https://example.org/{name}", "secret": f"{name}-signing-key"}
            integration.create_config(name=name, settings=settings, save=True)
    finally:
        manager.shutdown()
        store.close()


def assert_one_line(result: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.startswith("desktop-integr")]
    for part in parts:
        assert part in line


# Opening ----------------------------------------------------------------------------


def test_a_database_path_that_is_a_folder_is_named_with_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "data" / "integrations.sqlite3").mkdir(parents=True)
    result = run(tmp_path / "data", "list")
    assert result.returncode == 1
    assert_one_line(result, "integrations.sqlite3 is a folder, not a database file", "move it")
    assert (tmp_path / "data" / "integrations.sqlite3").is_dir()


def test_a_symbolic_link_loop_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "integrations.sqlite3").symlink_to(data / "loop")
    (data / "loop").symlink_to(data / "integrations.sqlite3")
    result = run(data, "list")
    assert result.returncode == 1
    assert_one_line(result, f"{data / 'integrations.sqlite3'} is a symbolic link that points back")
    assert (data / "loop").is_symlink()


def test_a_dangling_symbolic_link_is_named_with_its_target(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "integrations.sqlite3").symlink_to(tmp_path / "usb" / "integrations.sqlite3")
    result = run(data, "list")
    assert result.returncode == 1
    assert_one_line(
        result, f"is a symbolic link to {tmp_path / 'usb' / 'integrations.sqlite3'}, which does"
    )
    assert not (tmp_path / "usb").exists()  # nothing created at the target


def test_a_missing_table_is_a_message_and_the_file_is_left_untouched(tmp_path: Path) -> None:
    data = tmp_path / "data"
    add_webhooks(data, "ops")
    conn = sqlite3.connect(data / "integrations.sqlite3")
    conn.execute("DROP TABLE extensions")
    conn.commit()
    conn.close()
    before = (data / "integrations.sqlite3").read_bytes()
    result = run(data, "list")
    assert result.returncode == 1
    assert_one_line(result, "lacks the table extensions", "left untouched")
    assert (data / "integrations.sqlite3").read_bytes() == before


def test_a_row_with_a_garbage_timestamp_is_listed_and_marked(tmp_path: Path) -> None:
    data = tmp_path / "data"
    add_webhooks(data, "first", "broken", "last")
    with sqlite3.connect(data / "integrations.sqlite3") as conn:
        conn.execute("UPDATE configs SET last_updated = 'yesterday-ish' WHERE name = 'broken'")
    result = run(data, "list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[2] for line in lines] == ["first", "broken", "last"]
    assert "time of its last change ('yesterday-ish') could not be read" in lines[1]
    assert "could not be read" not in lines[0] + lines[2]


@pytest.mark.parametrize("content", [b"", b"not a key\n"], ids=["empty", "damaged"])
def test_an_empty_or_damaged_key_file_marks_the_secrets_and_lists_the_rest(
    tmp_path: Path, content: bytes
) -> None:
    data = tmp_path / "data"
    add_webhooks(data, "ops")
    key = tmp_path / "config" / "secret.key"
    key.write_bytes(content)
    result = run(data, "list")
    assert result.returncode == 0, result.stderr
    state = "empty" if not content else "damaged"
    assert f"The encryption key file {key} is {state}; it was left untouched" in result.stdout
    assert key.read_bytes() == content

    store = ConfigStore(data / "integrations.sqlite3")
    try:
        with pytest.raises(StoreError, match=f"encryption key file .* is {state}"):
            store.secrets.encrypt("new secret")
    finally:
        store.close()


def test_an_import_file_nested_100000_levels_deep_is_refused_with_a_message(
    tmp_path: Path,
) -> None:
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 100_000 + "]" * 100_000)
    result = run(tmp_path / "data", "import", str(nested))
    assert result.returncode == 1
    assert "nests values too deeply" in result.stderr
    assert "Traceback" not in result.stderr


# A read-only data folder -----------------------------------------------------------


@pytest.fixture
def read_only_data(tmp_path: Path) -> Iterator[Path]:
    """A data folder with two configurations that nobody, root included, may write."""
    data = tmp_path / "data"
    add_webhooks(data, "ops", "dev")
    frozen = [data / "integrations.sqlite3", data]
    # File modes do not bind root; the immutable attribute does.
    if subprocess.run(["chattr", "+i", *map(str, frozen)], capture_output=True).returncode:
        pytest.skip("cannot make a folder read-only here (chattr +i failed)")
    try:
        yield data
    finally:
        subprocess.run(["chattr", "-i", *map(str, frozen)], check=True)


def test_a_read_only_data_folder_lists_the_configurations(read_only_data: Path) -> None:
    result = run(read_only_data, "list")
    assert result.returncode == 0, result.stderr
    assert [line.split()[2] for line in result.stdout.splitlines()] == ["ops", "dev"]
    assert f"The data folder {read_only_data} cannot be written" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_read_only_data_folder_refuses_changes_clearly(
    read_only_data: Path, tmp_path: Path
) -> None:
    export = tmp_path / "export.json"
    assert run(read_only_data, "export", str(export)).returncode == 0
    result = run(read_only_data, "import", str(export))
    assert result.returncode == 1
    assert "is open read-only, because its folder cannot be written" in result.stderr

    store = ConfigStore(read_only_data / "integrations.sqlite3")
    manager = IntegrationManager(store)
    try:
        assert store.read_only
        manager.register_integration_class(WebhookIntegration)
        [ops, _dev] = manager.get_integration_configs()
        ops.name = "renamed"
        with pytest.raises(StoreError, match="open read-only"):
            ops.save()
        with pytest.raises(StoreError, match="open read-only"):
            ops.delete()
    finally:
        manager.shutdown()
        store.close()


# A damaged write-ahead log ---------------------------------------------------------

WRITER = """
import os, sys
from desktop_integrations import ConfigStore, IntegrationManager
from desktop_integrations.plugins.webhook import WebhookIntegration

store = ConfigStore(sys.argv[1])
manager = IntegrationManager(store)
manager.register_integration_class(WebhookIntegration)
integration = manager.get_integration("builtin.webhook")
for number in range(20):
    integration.create_config(name=f"save {number}", save=True)
os._exit(0)  # killed: no checkpoint, the saves stay in the -wal
"""


def test_saves_lost_to_a_damaged_write_ahead_log_are_reported_and_the_log_kept(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    database = data / "integrations.sqlite3"
    ConfigStore(database).close()
    subprocess.run([sys.executable, "-c", WRITER, str(database)], check=True, timeout=120)
    wal = database.with_name("integrations.sqlite3-wal")
    damaged = bytearray(wal.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    wal.write_bytes(bytes(damaged))

    result = run(data, "list")

    assert result.returncode == 0, result.stderr
    listed = len(result.stdout.splitlines())
    assert 0 < listed < 20
    [copy] = data.glob("integrations.sqlite3-wal.damaged-*")
    assert copy.read_bytes() == bytes(damaged)
    assert_one_line(
        result, f"{20 - listed} changes in the write-ahead log could not be read", str(copy)
    )
    # Once reported, the next start has nothing more to say.
    again = run(data, "list")
    assert "write-ahead log" not in again.stderr
    assert len(again.stdout.splitlines()) == listed


def test_a_write_ahead_log_left_by_a_killed_writer_is_not_reported_when_intact(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    database = data / "integrations.sqlite3"
    ConfigStore(database).close()
    subprocess.run([sys.executable, "-c", WRITER, str(database)], check=True, timeout=120)
    assert database.with_name("integrations.sqlite3-wal").stat().st_size > 0

    result = run(data, "list")

    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 20
    assert "write-ahead log" not in result.stderr
    assert list(data.glob("*damaged*")) == list(data.glob("*.check")) == []
