from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMainWindow, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_integrations import ConfigStore, Integration, IntegrationManager, StoreError
from desktop_integrations.ui.config_dialog import ConfigDialog
from desktop_integrations.ui.configs_model import ProblemsRole
from desktop_integrations.ui.main_window import MainWindow
from desktop_integrations.ui.settings import ui_settings

from .conftest import ChatIntegration, EveryKindIntegration, chat_settings

STATUS = 2


def make_window(qtbot: QtBot, manager: IntegrationManager) -> MainWindow:
    window = MainWindow(manager)
    qtbot.addWidget(window)
    return window


def column(window: MainWindow, col: int, role: int = Qt.ItemDataRole.DisplayRole) -> list[object]:
    model = window.configs_view.model()
    return [model.index(row, col).data(role) for row in range(model.rowCount())]


def select(window: MainWindow, name: str) -> None:
    row = column(window, 0).index(name)
    window.configs_view.setCurrentIndex(window.configs_view.model().index(row, 0))


def test_picker_lists_every_integration_sorted_with_icon(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration, every_kind: Integration
) -> None:
    window = make_window(qtbot, manager)
    model = window.integrations_view.model()
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert names == ["Chat", "Every Kind"]
    assert isinstance(model.index(0, 0).data(Qt.ItemDataRole.DecorationRole), QIcon)
    window.picker.filter_edit.setText("kind")
    assert model.rowCount() == 1 and model.index(0, 0).data() == "Every Kind"
    window.picker.filter_edit.setText("CHANNEL")  # descriptions match too
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["Chat"]
    window.picker.filter_edit.setText("telegram")
    assert model.rowCount() == 0


def test_choosing_an_integration_opens_its_dialog(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    window = make_window(qtbot, manager)
    with qtbot.waitSignal(window.picker.integrationChosen) as chosen:
        window.integrations_view.activated.emit(window.integrations_view.model().index(0, 0))
    assert chosen.args == [chat]
    [dialog] = window.findChildren(ConfigDialog)
    assert dialog.integration is chat and dialog.config is None


def test_empty_state_tells_how_to_start(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    window = make_window(qtbot, manager)
    window.show()
    assert window.empty_label.isVisible() and not window.configs_view.isVisible()
    assert "Choose an integration" in window.empty_label.text()
    chat.create_config(name="First", settings=chat_settings(), save=True)
    assert window.configs_view.isVisible()


def test_list_shows_every_configuration_sorted_with_unavailable_ones_kept(
    qtbot: QtBot, manager: IntegrationManager, store: ConfigStore
) -> None:
    other = IntegrationManager(store)
    gone = other.register_integration_class(EveryKindIntegration)
    gone.create_config(name="Orphan", save=True)
    chat = manager.register_integration_class(ChatIntegration)
    for name in ("b", "A", "c"):
        chat.create_config(name=name, enabled=name != "c", settings=chat_settings(), save=True)
    window = make_window(qtbot, manager)
    assert column(window, 0) == ["A", "b", "c", "Orphan"]
    assert column(window, 1) == ["Chat"] * 3 + ["tests.every_kind"]
    assert column(window, 2) == ["Enabled", "Enabled", "Disabled", "Unavailable"]
    icons = column(window, 0, Qt.ItemDataRole.DecorationRole)
    assert all(isinstance(icon, QIcon) and not icon.isNull() for icon in icons)
    greyed = column(window, 0, Qt.ItemDataRole.ForegroundRole)
    assert greyed[0] is None and greyed[2] is not None and greyed[3] is not None
    assert "not installed" in str(column(window, 0, Qt.ItemDataRole.ToolTipRole)[3])
    assert window.configs_view.iconSize().width() == 32


def test_filter_box_narrows_the_list(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    for name in ("Alerts", "Builds"):
        chat.create_config(name=name, settings=chat_settings(), save=True)
    window = make_window(qtbot, manager)
    window.filter_edit.setText("build")
    assert column(window, 0) == ["Builds"]
    window.filter_edit.setText("nothing")
    assert "No configuration matches" in window.empty_label.text()


def test_toggling_enabled_in_place_persists(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration, store: ConfigStore
) -> None:
    chat.create_config(enabled=True, name="Ops", settings=chat_settings(), save=True)
    window = make_window(qtbot, manager)
    index = window.configs_view.model().index(0, STATUS)
    assert window.configs_view.model().setData(
        index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert column(window, STATUS) == ["Disabled"]
    fresh = IntegrationManager(store)
    assert [c.enabled for c in fresh.get_integration_configs()] == [False]
    assert not chat.enabled  # its last enabled configuration was disabled


def test_delete_asks_naming_the_configuration_then_removes(
    qtbot: QtBot,
    manager: IntegrationManager,
    chat: Integration,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chat.create_config(name="Doomed", settings=chat_settings(), save=True)
    window = make_window(qtbot, manager)
    select(window, "Doomed")
    asked: list[str] = []

    def answer(parent: object, title: str, text: str, *args: object) -> object:
        asked.append(text)
        return (
            QMessageBox.StandardButton.Cancel if len(asked) == 1 else QMessageBox.StandardButton.Yes
        )

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert not window.delete_selected()
    assert column(window, 0) == ["Doomed"]
    assert window.delete_selected()
    assert "Doomed (Chat)" in asked[0]
    assert column(window, 0) == []
    assert manager.get_integration_configs() == []


def test_edit_opens_the_stored_values_and_saving_updates_the_row(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    chat.create_config(name="Ops", settings=chat_settings(), save=True)
    window = make_window(qtbot, manager)
    select(window, "Ops")
    dialog = window.edit_selected()
    assert dialog is not None and dialog.field_widget("channel").value() == "#dev"
    dialog.field_widget("name").set_value("Ops renamed")
    dialog.accept()
    assert column(window, 0) == ["Ops renamed"]


def test_duplicate_opens_an_unsaved_copy(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    chat.create_config(name="Ops", settings=chat_settings(), save=True)
    window = make_window(qtbot, manager)
    select(window, "Ops")
    dialog = window.duplicate_selected()
    assert dialog is not None and dialog.field_widget("name").value() == "Ops (copy)"
    assert len(manager.get_integration_configs()) == 1
    dialog.accept()
    assert column(window, 0) == ["Ops", "Ops (copy)"]
    assert window.selected_config() is dialog.config  # the new row is selected
    assert manager.get_integration_configs()[1].settings == chat_settings()


def test_changes_by_another_program_show_when_the_window_is_activated(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration, db_path: Path
) -> None:
    window = make_window(qtbot, manager)
    other_store = ConfigStore(db_path)
    other = IntegrationManager(other_store)
    other.register_integration_class(ChatIntegration)
    other.get_integration("tests.chat").create_config(
        name="From elsewhere", settings=chat_settings(), save=True
    )
    other.shutdown()
    other_store.close()
    assert column(window, 0) == []
    window.check_for_changes()
    assert column(window, 0) == ["From elsewhere"]


def test_configuration_whose_settings_no_longer_validate_is_marked(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    chat.create_config(name="Fine", settings=chat_settings(), save=True)
    chat.create_config(name="Stale", settings=chat_settings(retries="many"), save=True)
    window = make_window(qtbot, manager)
    problems = column(window, STATUS, ProblemsRole)
    assert problems[0] == [] and problems[1] and "Retries" in problems[1][0]
    icons = column(window, STATUS, Qt.ItemDataRole.DecorationRole)
    assert icons[0] is None and isinstance(icons[1], QIcon)
    assert "need attention" in str(column(window, 0, Qt.ItemDataRole.ToolTipRole)[1])
    assert manager.get_integration_configs()[1].settings["retries"] == "many"


def test_recovered_database_is_named_in_a_banner(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store = ConfigStore(path)
    try:
        window = make_window(qtbot, IntegrationManager(store))
        assert store.recovered_from is not None
        assert str(store.recovered_from) in window.banner.text()
    finally:
        store.close()


def test_window_works_with_ten_thousand_configurations(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    with manager.store.transaction("add configurations") as conn:
        conn.executemany(
            "INSERT INTO configs (integration_id, name, enabled, settings, extra_data, revision,"
            " time_added, last_updated) VALUES ('tests.chat', ?, 1, '{}', '{}', 1,"
            " '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')",
            [(f"config {n:05}",) for n in range(10_000)],
        )
    manager.clear_all_configs_cache()
    window = make_window(qtbot, manager)
    window.show()
    assert window.configs_view.model().rowCount() == 10_000
    assert column(window, 0)[:2] == ["config 00000", "config 00001"]
    window.filter_edit.setText("config 0999")
    assert window.configs_view.model().rowCount() == 10


def test_window_geometry_is_kept_in_settings(qtbot: QtBot, manager: IntegrationManager) -> None:
    window = make_window(qtbot, manager)
    window.show()
    window.resize(811, 533)
    window.close()
    again = make_window(qtbot, manager)
    again.show()
    # The offscreen platform restores the width a few pixels off, so compare
    # with a plain QMainWindow restoring the same saved geometry.
    plain = QMainWindow()
    qtbot.addWidget(plain)
    plain.restoreGeometry(ui_settings().value("MainWindow/geometry"))
    assert again.size() == plain.size()
    assert again.height() == 533 and again.size() != QSize(960, 600)


def test_shortcuts(qtbot: QtBot, manager: IntegrationManager) -> None:
    window = make_window(qtbot, manager)
    shortcuts = {name: a.shortcut().toString() for name, a in window.actions_by_name.items()}
    assert shortcuts["new"] == "Ctrl+N"
    assert shortcuts["delete"] == "Del"
    assert shortcuts["find"] == "Ctrl+F"
    assert shortcuts["quit"] == "Ctrl+Q"
    assert not window.actions_by_name["plugins"].isEnabled()  # no extension manager


def test_about_names_the_folders(
    qtbot: QtBot, manager: IntegrationManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    make_window(qtbot, manager).show_about()
    assert str(manager.store.path) in shown[0] and "Plugins folder" in shown[0]


def test_toggle_that_cannot_be_saved_is_reported_and_undone(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat.create_config(enabled=True, name="Ops", settings=chat_settings(), save=True)
    window = make_window(qtbot, manager)

    def fail(*args: object, **kwargs: object) -> int:
        raise StoreError("Cannot save: the database is read-only")

    monkeypatch.setattr(manager.store, "save_config", fail)
    index = window.configs_view.model().index(0, STATUS)
    changed = window.configs_view.model().setData(
        index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert not changed
    assert column(window, STATUS) == ["Enabled"]
    assert "read-only" in window.banner.text()
    assert manager.get_integration_configs()[0].enabled


def test_enter_on_a_configuration_opens_its_dialog(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    chat.create_config(enabled=True, name="Ops", settings=chat_settings(), save=True)
    window = make_window(qtbot, manager)
    window.show()
    select(window, "Ops")
    qtbot.keyClick(window.configs_view, Qt.Key.Key_Return)
    [dialog] = window.findChildren(ConfigDialog)
    assert dialog.config is not None and dialog.config.name == "Ops"


def test_ctrl_n_moves_to_the_picker_and_enter_opens_the_first_match(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration, every_kind: Integration
) -> None:
    window = make_window(qtbot, manager)
    window.show()
    window.actions_by_name["new"].trigger()
    assert window.focusWidget() is window.picker.filter_edit
    qtbot.keyClicks(window.picker.filter_edit, "every")
    qtbot.keyClick(window.picker.filter_edit, Qt.Key.Key_Return)
    [dialog] = window.findChildren(ConfigDialog)
    assert dialog.integration is every_kind


def test_filtering_keeps_the_selection_and_new_matches_appear(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    for name in ("Alerts", "Builds", "Build farm"):
        chat.create_config(name=name, settings=chat_settings(), save=True)
    window = make_window(qtbot, manager)
    select(window, "Builds")
    window.filter_edit.setText("BUILD")
    assert column(window, 0) == ["Build farm", "Builds"]
    assert window.selected_config() is not None and window.selected_config().name == "Builds"
    chat.create_config(name="Build cache", settings=chat_settings(), save=True)
    chat.create_config(name="Other", settings=chat_settings(), save=True)
    assert column(window, 0) == ["Build cache", "Build farm", "Builds"]
    window.filter_edit.setText("")
    assert column(window, 0) == ["Alerts", "Build cache", "Build farm", "Builds", "Other"]
    assert window.statusBar().currentMessage() == "5 configurations"


class Zulu(ChatIntegration):
    integration_id = "a.zulu"
    name = "Zulu"


class Alpha(ChatIntegration):
    integration_id = "z.alpha"
    name = "alpha"


def test_rows_are_sorted_by_integration_name_not_id_then_by_name_ignoring_case(
    qtbot: QtBot, manager: IntegrationManager
) -> None:
    zulu = manager.register_integration_class(Zulu)
    alpha = manager.register_integration_class(Alpha)
    for integration, name in ((zulu, "b"), (alpha, "B"), (zulu, "A"), (alpha, "a"), (alpha, "b")):
        integration.create_config(name=name, settings=chat_settings(), save=True)
    window = make_window(qtbot, manager)
    rows = list(zip(column(window, 1), column(window, 0), strict=True))
    assert rows == [("alpha", "a"), ("alpha", "B"), ("alpha", "b"), ("Zulu", "A"), ("Zulu", "b")]
    zulu.create_config(name="0 first", settings=chat_settings(), save=True)
    assert column(window, 0)[3] == "0 first"  # a saved row goes where it sorts


def test_deleting_a_configuration_renamed_in_memory_still_removes_its_row(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    for name in ("Ops", "Ops", "Dev"):
        chat.create_config(name=name, settings=chat_settings(), save=True)
    window = make_window(qtbot, manager)
    first, second, dev = manager.get_integration_configs()
    second.delete()  # one of two rows with the same name
    assert column(window, 0) == ["Dev", "Ops"]
    assert window.configs_model.config_at(1) is first
    dev.name = "Renamed, not saved"
    dev.delete()
    assert column(window, 0) == ["Ops"]
