"""Storage faults in the app: a stale delete, a read-only data folder, a damaged database."""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_integrations import ConfigStore, Integration, IntegrationManager, app
from desktop_integrations.paths import database_path
from desktop_integrations.ui import conflict_box
from desktop_integrations.ui.main_window import MainWindow

from .conftest import ChatIntegration, chat_settings


def names(window: MainWindow) -> list[str]:
    model = window.configs_view.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_deleting_a_configuration_changed_elsewhere_offers_reload_or_delete_anyway(
    qtbot: QtBot,
    manager: IntegrationManager,
    chat: Integration,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chat.create_config(name="On call", settings=chat_settings(), save=True)
    window = MainWindow(manager)
    qtbot.addWidget(window)
    window.configs_view.selectRow(0)
    other = IntegrationManager(ConfigStore(db_path))
    other.register_integration_class(ChatIntegration)
    renames = iter(["On call (new rota)", "On call (third rota)"])

    def confirm_while_another_process_renames_it(*args: object) -> QMessageBox.StandardButton:
        [theirs] = other.get_integration_configs()
        theirs.name = next(renames)
        theirs.save()
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", confirm_while_another_process_renames_it)
    choices = iter(["reload", "delete"])
    asked: list[str] = []

    def ask(parent: object, name: str) -> str:
        asked.append(name)
        return next(choices)

    monkeypatch.setattr(conflict_box, "ask_delete_conflict", ask)

    assert not window.delete_selected()  # Reload: their change is kept and shown
    assert asked == ["On call"]
    assert names(window) == ["On call (new rota)"]
    assert [c.name for c in other.get_integration_configs()] == ["On call (new rota)"]

    window.configs_view.selectRow(0)
    assert window.delete_selected()  # changed again meanwhile: this time, delete anyway
    assert asked == ["On call", "On call (new rota)"]
    assert manager.store.query("SELECT COUNT(*) FROM configs")[0][0] == 0
    assert names(window) == []
    other.shutdown()
    other.store.close()


@pytest.fixture
def read_only_data(tmp_path: Path) -> Iterator[Path]:
    path = database_path()
    store = ConfigStore(path)
    manager = IntegrationManager(store)
    manager.register_integration_class(ChatIntegration)
    manager.get_integration("tests.chat").create_config(
        name="Ops", settings=chat_settings(), save=True
    )
    manager.shutdown()
    store.close()
    frozen = [str(path), str(path.parent)]
    if subprocess.run(["chattr", "+i", *frozen], capture_output=True).returncode:
        pytest.skip("cannot make a folder read-only here (chattr +i failed)")
    try:
        yield path.parent
    finally:
        subprocess.run(["chattr", "-i", *frozen], check=True)


def test_the_app_opens_a_read_only_data_folder_and_says_changes_cannot_be_saved(
    qtbot: QtBot, read_only_data: Path, no_event_loop: list[MainWindow]
) -> None:
    assert app.run(argparse.Namespace(safe_mode=True), []) == 0
    [window] = no_event_loop
    assert f"The data folder {read_only_data} cannot be written" in window.banner.text()
    window.configs_view.selectRow(0)
    assert names(window) == ["Ops"]


def test_the_app_names_a_missing_table_instead_of_a_traceback(
    qtbot: QtBot,
    no_event_loop: list[MainWindow],
    no_blocking_message_boxes: list[tuple[str, str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    ConfigStore(database_path()).close()
    with sqlite3.connect(database_path()) as conn:
        conn.execute("DROP TABLE configs")
    assert app.run(argparse.Namespace(safe_mode=True), []) == 1
    assert "lacks the table configs" in capsys.readouterr().err
    assert no_blocking_message_boxes == [("critical", "Cannot open the configuration database")]
