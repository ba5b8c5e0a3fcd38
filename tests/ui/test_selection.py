"""The selected configuration stays selected: toggling, saving elsewhere, rescans."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_integrations import ConfigStore, Integration, IntegrationManager
from desktop_integrations.extensions.manager import ExtensionManager
from desktop_integrations.ui.main_window import MainWindow

from .conftest import chat_settings

STATUS = 2


def make_window(
    qtbot: QtBot, manager: IntegrationManager, extensions: ExtensionManager | None = None
) -> MainWindow:
    window = MainWindow(manager, extensions)
    qtbot.addWidget(window)
    window.show()
    return window


def names(window: MainWindow) -> list[str]:
    model = window.configs_view.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def select(window: MainWindow, name: str, col: int = 0) -> None:
    row = names(window).index(name)
    window.configs_view.setCurrentIndex(window.configs_view.model().index(row, col))


def selected_name(window: MainWindow) -> str | None:
    config = window.selected_config()
    return None if config is None else config.name


def two_configs(chat: Integration) -> None:
    chat.create_config(enabled=True, name="Build alerts (CI)", settings=chat_settings(), save=True)
    chat.create_config(enabled=True, name="Deploy alerts", settings=chat_settings(), save=True)


def test_toggling_enabled_by_keyboard_keeps_the_same_configuration_selected(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    two_configs(chat)
    window = make_window(qtbot, manager)
    select(window, "Deploy alerts")
    view = window.configs_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.currentIndex().column() == STATUS
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert [c.enabled for c in manager.get_integration_configs() if c.name == "Deploy alerts"] == [
        False
    ]
    assert selected_name(window) == "Deploy alerts"
    assert window.actions_by_name["delete"].isEnabled()


def test_toggling_with_a_filter_keeps_the_selection(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    two_configs(chat)
    chat.create_config(enabled=True, name="Deploy logs", settings=chat_settings(), save=True)
    window = make_window(qtbot, manager)
    window.filter_edit.setText("deploy")
    select(window, "Deploy logs", STATUS)
    model = window.configs_view.model()
    index = model.index(names(window).index("Deploy logs"), STATUS)
    assert model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert selected_name(window) == "Deploy logs"
    assert names(window) == ["Deploy alerts", "Deploy logs"]


def test_space_on_any_column_toggles_and_the_menus_offer_enable(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    two_configs(chat)
    window = make_window(qtbot, manager)
    select(window, "Deploy alerts")
    window.configs_view.setFocus()
    qtbot.keyClick(window.configs_view, Qt.Key.Key_Space)
    deploy = next(c for c in manager.get_integration_configs() if c.name == "Deploy alerts")
    assert not deploy.enabled
    toggle = window.actions_by_name["toggle_enabled"]
    assert toggle in window.configs_view.actions()
    assert toggle.text().replace("&", "") == "Enable\tSpace"
    toggle.trigger()
    assert all(c.enabled for c in manager.get_integration_configs())
    assert selected_name(window) == "Deploy alerts"
    assert toggle.text().replace("&", "") == "Disable\tSpace"


def test_a_rename_elsewhere_keeps_the_selection_on_the_renamed_row(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    two_configs(chat)
    window = make_window(qtbot, manager)
    select(window, "Build alerts (CI)")
    config = next(c for c in manager.get_integration_configs() if c.name == "Build alerts (CI)")
    config.name = "Zebra builds"
    config.save()
    assert names(window) == ["Deploy alerts", "Zebra builds"]
    assert selected_name(window) == "Zebra builds"


def test_saves_from_another_thread_arrive_in_one_batch_and_keep_the_selection(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    two_configs(chat)
    window = make_window(qtbot, manager)
    select(window, "Deploy alerts")
    model = window.configs_model
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))

    def save_many() -> None:
        for number in range(50):
            chat.create_config(
                enabled=True, name=f"Imported {number:02}", settings=chat_settings(), save=True
            )

    worker = threading.Thread(target=save_many)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: model.total_count() == 52)
    assert len(inserted) + len(resets) == 1  # one update for the whole burst
    assert names(window)[:2] == ["Build alerts (CI)", "Deploy alerts"]
    assert selected_name(window) == "Deploy alerts"


def test_a_plugin_rescan_keeps_the_selection(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration, tmp_path: Path
) -> None:
    two_configs(chat)
    folder = tmp_path / "user-plugins"
    folder.mkdir()
    extensions = ExtensionManager(manager, [folder])
    extensions.load()
    try:
        window = make_window(qtbot, manager, extensions)
        select(window, "Deploy alerts")
        (folder / "broken.py").write_text("raise RuntimeError('no')\n")
        window.reload_all()
        assert selected_name(window) == "Deploy alerts"
        assert window.actions_by_name["edit"].isEnabled()
        window.check_for_changes()
        window.configs_model.reload()
        assert selected_name(window) == "Deploy alerts"
    finally:
        extensions.shutdown()


def test_another_process_saving_keeps_the_selection(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration, store: ConfigStore
) -> None:
    two_configs(chat)
    window = make_window(qtbot, manager)
    select(window, "Deploy alerts")
    other = IntegrationManager(ConfigStore(store.path))
    other_chat = other.register_integration_class(type(chat))
    other_chat.create_config(enabled=True, name="Another", settings=chat_settings(), save=True)
    window.check_for_changes()
    assert names(window) == ["Another", "Build alerts (CI)", "Deploy alerts"]
    assert selected_name(window) == "Deploy alerts"
    other.shutdown()


def test_a_long_list_is_read_again_in_the_background_without_losing_saves(
    qtbot: QtBot,
    manager: IntegrationManager,
    chat: Integration,
    store: ConfigStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from desktop_integrations.ui import configs_model

    two_configs(chat)
    window = make_window(qtbot, manager)
    select(window, "Deploy alerts")
    monkeypatch.setattr(configs_model, "BACKGROUND_ROWS", 1)
    other = IntegrationManager(ConfigStore(store.path))
    other.register_integration_class(type(chat)).create_config(
        name="Another", settings=chat_settings(), save=True
    )
    window.check_for_changes()  # reads in a worker thread
    chat.create_config(name="Saved meanwhile", settings=chat_settings(), save=True)
    qtbot.waitUntil(lambda: "Another" in names(window))
    qtbot.waitUntil(lambda: "Saved meanwhile" in names(window))
    assert names(window) == ["Another", "Build alerts (CI)", "Deploy alerts", "Saved meanwhile"]
    assert selected_name(window) == "Deploy alerts"
    other.shutdown()


def test_an_integration_gone_since_it_was_seen_keeps_its_name_in_the_list(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    two_configs(chat)
    window = make_window(qtbot, manager)
    manager.unregister_integration_class(type(chat))
    window.refresh()
    model = window.configs_view.model()
    assert [model.index(row, 1).data() for row in range(model.rowCount())] == ["Chat", "Chat"]
    assert [model.index(row, 2).data() for row in range(model.rowCount())] == [
        "Unavailable",
        "Unavailable",
    ]
    select(window, "Deploy alerts")
    window.edit_selected()
    assert "belongs to Chat, which is not installed" in window.banner.text()


def test_stored_settings_that_no_longer_validate_offer_fix_which_marks_the_field(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration
) -> None:
    from desktop_integrations.ui.config_dialog import ConfigDialog

    chat.create_config(name="Fine", settings=chat_settings(), save=True)
    chat.create_config(name="Stale", settings=chat_settings(retries="many"), save=True)
    window = make_window(qtbot, manager)
    fix = window.actions_by_name["fix"]
    select(window, "Fine")
    assert not fix.isVisible()
    select(window, "Stale")
    assert fix.isVisible() and fix in window.configs_view.actions()
    fix.trigger()
    [dialog] = window.findChildren(ConfigDialog)
    row = dialog._rows["retries"]
    assert row.has_errors() and row.error_label.text() == "Enter a whole number, such as 3."
    assert row.group.is_expanded()  # its collapsed fieldset was opened
