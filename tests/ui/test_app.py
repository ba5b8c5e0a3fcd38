from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_integrations import app
from desktop_integrations.app import display_problem
from desktop_integrations.paths import database_path
from desktop_integrations.ui.main_window import MainWindow
from tests.postgres import Cluster


def args(safe_mode: bool = False) -> argparse.Namespace:
    return argparse.Namespace(safe_mode=safe_mode)


def test_starts_the_main_window_on_the_default_database(
    qtbot: QtBot, no_event_loop: list[MainWindow]
) -> None:
    assert app.run(args(), []) == 0
    [window] = no_event_loop
    assert window.manager.store.path == database_path()
    assert window.extension_manager is not None


def test_database_too_new_is_refused_with_a_message_and_exit_status_1(
    qtbot: QtBot,
    no_event_loop: list[MainWindow],
    capsys: pytest.CaptureFixture[str],
    no_blocking_message_boxes: list[tuple[str, str]],
) -> None:
    path = database_path()
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 999")
    assert app.run(args(), []) == 1
    assert "newer version" in capsys.readouterr().err
    assert no_blocking_message_boxes == [("critical", "Cannot open the configuration database")]
    assert no_event_loop == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 999  # left untouched


def test_recovered_database_is_reported_on_stderr_and_in_the_window(
    qtbot: QtBot, no_event_loop: list[MainWindow], capsys: pytest.CaptureFixture[str]
) -> None:
    path = database_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"garbage" * 1000)
    assert app.run(args(), []) == 0
    [window] = no_event_loop
    moved = window.manager.store.recovered_from
    assert isinstance(moved, Path) and moved.exists()
    assert str(moved) in capsys.readouterr().err
    assert str(moved) in window.banner.text()


def test_safe_mode_is_passed_on_and_announced(
    qtbot: QtBot, no_event_loop: list[MainWindow]
) -> None:
    assert app.run(args(safe_mode=True), []) == 0
    [window] = no_event_loop
    assert window.extension_manager is not None and window.extension_manager.safe_mode
    assert "Safe mode" in window.banner.text()


def test_no_display_is_explained_instead_of_aborting() -> None:
    problem = display_problem({}, "linux")
    assert problem is not None and "DISPLAY is not set" in problem
    assert "QT_QPA_PLATFORM=offscreen" in problem


def test_missing_qt_system_libraries_are_named_with_their_packages() -> None:
    def load(name: str) -> object:
        if name in ("libxcb-cursor.so.0", "libxcb-icccm.so.4"):
            raise OSError(f"{name}: cannot open shared object file")
        return object()

    problem = display_problem({"DISPLAY": ":0"}, "linux", load)
    assert problem is not None
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4" in problem


def test_no_check_where_qt_chooses_another_platform() -> None:
    def load(name: str) -> object:
        raise OSError(name)

    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", load) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", load) is None
    assert display_problem({}, "darwin", load) is None
    assert display_problem({"DISPLAY": ":0"}, "linux", lambda name: object()) is None


def test_the_database_option_opens_a_team_database(
    qtbot: QtBot, no_event_loop: list[MainWindow], pg_url: str, postgres_cluster: Cluster
) -> None:
    from desktop_integrations.cli.main import apply_folders, build_parser

    apply_folders(build_parser().parse_args(["--database", pg_url]))
    assert app.run(args(), []) == 0
    [window] = no_event_loop
    assert window.manager.store.live
    location = window.manager.store.location
    assert location.startswith("postgresql://postgres:***@127.0.0.1:")
    assert postgres_cluster.password not in location
    assert window.store_status.text() == "● Connected"


def test_an_unreachable_team_database_is_one_line_and_exit_status_1(
    qtbot: QtBot,
    no_event_loop: list[MainWindow],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    no_blocking_message_boxes: list[tuple[str, str]],
) -> None:
    monkeypatch.setenv("DESKTOP_INTEGRATIONS_DATABASE", "postgresql://me:pw@127.0.0.1:1/team")
    assert app.run(args(), []) == 1
    err = capsys.readouterr().err
    assert "Cannot connect to the team database at 127.0.0.1:1/team" in err
    assert err.count("\n") == 1 and ":pw@" not in err
    assert no_blocking_message_boxes == [("critical", "Cannot open the configuration database")]
