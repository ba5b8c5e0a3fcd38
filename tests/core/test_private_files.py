"""An existing data folder open to others is made the user's alone as the store opens."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from desktop_integrations import ConfigStore, paths


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_existing_data_folder_and_its_database_files_are_restricted(db_path: Path) -> None:
    folder = db_path.parent
    assert folder == paths.data_dir()
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    # An earlier version's database, open in another process: -wal and -shm exist.
    other = sqlite3.connect(db_path)
    try:
        other.execute("PRAGMA journal_mode = WAL")
        other.execute("CREATE TABLE t (x)")
        files = [db_path, db_path.with_name(db_path.name + "-wal")]
        files.append(db_path.with_name(db_path.name + "-shm"))
        for file in files:
            file.chmod(0o644)
        store = ConfigStore(db_path)
        store.close()
        assert [mode(file) for file in files] == [0o600] * 3
    finally:
        other.close()
    assert mode(folder) == 0o700
    assert store.warnings == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_a_data_folder_of_another_user_is_left_as_it_is_and_the_user_is_told(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = db_path.parent
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    os.chown(folder, 54321, -1)
    store = ConfigStore(db_path)
    store.close()
    assert mode(folder) == 0o755
    [warning] = store.warnings
    assert warning.startswith(f"Other users can open the data folder {folder} (mode 755)")
    assert "belongs to another user" in warning
    assert warning in caplog.text


def test_a_folder_chosen_for_the_database_is_left_as_it_is(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shared = tmp_path / "team-share"
    shared.mkdir()
    shared.chmod(0o775)
    with caplog.at_level(logging.WARNING):
        store = ConfigStore(shared / "integrations.sqlite3")
    store.close()
    assert mode(shared) == 0o775
    assert mode(shared / "integrations.sqlite3") == 0o600
    assert f"Other users can open the folder {shared} that holds the database" in caplog.text
