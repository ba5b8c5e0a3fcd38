from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from desktop_integrations import IntegrationManager
from desktop_integrations.extensions.manager import ExtensionManager
from desktop_integrations.ui.main_window import MainWindow

PLUGIN = textwrap.dedent(
    """
    from desktop_integrations import Extension, Integration, IntegrationHook

    class PagerIntegration(Integration):
        integration_id = "tests.pager"
        name = "Pager"
        description = "Pages whoever is on call."

    class PagerExtension(Extension):
        name = "Pager Extension"
        version = "2.1"

        def initialize(self):
            IntegrationHook(self, PagerIntegration)
    """
)


@pytest.fixture
def plugins_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "user-plugins"
    folder.mkdir()
    return folder


@pytest.fixture
def extensions(manager: IntegrationManager, plugins_dir: Path) -> Iterator[ExtensionManager]:
    extension_manager = ExtensionManager(manager, [plugins_dir])
    extension_manager.load()
    yield extension_manager
    extension_manager.shutdown()


@pytest.fixture
def window(qtbot: QtBot, manager: IntegrationManager, extensions: ExtensionManager) -> MainWindow:
    window = MainWindow(manager, extensions)
    qtbot.addWidget(window)
    return window


def picker_names(window: MainWindow) -> list[str]:
    model = window.integrations_view.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_plugin_dropped_into_the_watched_folder_appears_in_the_picker(
    qtbot: QtBot, window: MainWindow, plugins_dir: Path
) -> None:
    assert "Pager" not in picker_names(window)
    (plugins_dir / "pager.py").write_text(PLUGIN)
    qtbot.waitUntil(lambda: "Pager" in picker_names(window), timeout=5000)
    assert window.plugins_page is not None
    rows = window.plugins_page.extensions_list
    found = [rows.topLevelItem(i) for i in range(rows.topLevelItemCount())]
    [pager] = [item for item in found if item.text(0) == "Pager Extension"]
    assert (pager.text(1), pager.text(2), pager.text(3)) == ("2.1", "pager", "Running")


def test_broken_plugin_is_listed_with_message_and_traceback_and_can_be_reloaded(
    qtbot: QtBot, window: MainWindow, plugins_dir: Path, extensions: ExtensionManager
) -> None:
    (plugins_dir / "pager.py").write_text(PLUGIN.replace('name = "Pager"', "name = ("))
    extensions.rescan()
    page = window.plugins_page
    assert page is not None
    qtbot.waitUntil(lambda: page.errors_list.count() == 1)
    assert "1 plugin could not be loaded (pager)" in window.plugins_banner.text()
    assert page.errors_list.item(0).text().startswith("pager.py, line 6: was not loaded: ")
    assert page.details.toPlainText().startswith("pager.py, line 6\n")
    assert "SyntaxError" in page.details.toPlainText()
    (plugins_dir / "pager.py").write_text(PLUGIN)
    page.reload_selected()
    assert page.errors_list.count() == 0
    assert window.plugins_banner.text() == ""
    assert "Pager" in picker_names(window)


def test_disabling_an_extension_keeps_its_configurations_listed(
    qtbot: QtBot,
    window: MainWindow,
    plugins_dir: Path,
    extensions: ExtensionManager,
    manager: IntegrationManager,
) -> None:
    (plugins_dir / "pager.py").write_text(PLUGIN)
    extensions.rescan()
    manager.get_integration("tests.pager").create_config(name="On call", save=True)
    page = window.plugins_page
    assert page is not None
    rows = page.extensions_list
    [item] = [
        rows.topLevelItem(i)
        for i in range(rows.topLevelItemCount())
        if rows.topLevelItem(i).text(0) == "Pager Extension"
    ]
    item.setCheckState(0, Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: "Pager" not in picker_names(window))
    configs = window.configs_view.model()
    names = [configs.index(r, 0).data() for r in range(configs.rowCount())]
    statuses = [configs.index(r, 2).data() for r in range(configs.rowCount())]
    assert statuses[names.index("On call")] == "Unavailable"
    assert manager.store.extension_enabled("pager.PagerExtension") is False


def test_plugins_action_shows_the_dock(qtbot: QtBot, window: MainWindow) -> None:
    window.show()
    action = window.actions_by_name["plugins"]
    assert action.isEnabled() and not window.plugins_dock.isVisible()
    action.trigger()
    assert window.plugins_dock.isVisible()
    page = window.plugins_dock.widget()
    assert page is window.plugins_page and page.isVisible()
    rows = page.extensions_list
    names = [rows.topLevelItem(i).text(0) for i in range(rows.topLevelItemCount())]
    assert names  # the built-in plugins are listed


def test_open_plugins_folder_shows_the_watched_folder(
    window: MainWindow, plugins_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window.actions_by_name["plugins_folder"].trigger()
    assert [url.toLocalFile() for url in opened] == [str(plugins_dir)]


def test_plugins_load_after_the_first_paint_and_rows_say_loading_until_then(
    qtbot: QtBot, manager: IntegrationManager, plugins_dir: Path
) -> None:
    (plugins_dir / "pager.py").write_text(PLUGIN)
    with manager.store.transaction("add a configuration") as conn:
        conn.execute(
            "INSERT INTO configs (integration_id, name, enabled, settings, extra_data, revision,"
            " time_added, last_updated) VALUES ('tests.pager', 'On call', 1, '{}', '{}', 1,"
            " '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')"
        )
    extension_manager = ExtensionManager(manager, [plugins_dir])
    window = MainWindow(manager, extension_manager)
    qtbot.addWidget(window)
    window.load_plugins_after_first_paint()
    model = window.configs_view.model()
    row = [model.index(0, column).data() for column in range(3)]
    assert row == ["On call", "Loading…", "Enabled"]  # never "Unavailable" meanwhile
    assert "loading" in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert window.picker.hint.text() == "Loading the integrations…"
    assert extension_manager.import_count == 0  # nothing imported before the first paint
    window.filter_edit.setText("loading")  # matches no name: the integration's is unknown yet
    assert model.rowCount() == 0
    window.filter_edit.setText("pager")
    assert model.rowCount() == 0
    window.filter_edit.clear()
    window.show()
    qtbot.waitUntil(lambda: model.index(0, 1).data() == "Pager", timeout=5000)
    assert model.index(0, 2).data() == "Enabled"
    assert model.index(0, 2).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert "Pager" in picker_names(window)
    assert window.picker.hint.text() != "Loading the integrations…"
    window.filter_edit.setText("PAGER")  # integration names match once known
    assert [model.index(0, 0).data()] == ["On call"] and model.rowCount() == 1
    extension_manager.shutdown()


def test_a_plugins_dock_left_open_comes_back_with_its_page(
    qtbot: QtBot, window: MainWindow, manager: IntegrationManager, extensions: ExtensionManager
) -> None:
    window.show()
    window.actions_by_name["plugins"].trigger()
    window.close()
    again = MainWindow(manager, extensions)
    qtbot.addWidget(again)
    again.show()
    assert again.plugins_dock.isVisible()
    qtbot.waitUntil(lambda: again.plugins_dock.widget() is not None)
    assert again.plugins_dock.widget() is again.plugins_page
    assert again.actions_by_name["plugins"].isChecked()


def test_editing_before_the_plugins_loaded_says_to_wait_not_that_the_plugin_is_missing(
    qtbot: QtBot, manager: IntegrationManager, plugins_dir: Path
) -> None:
    (plugins_dir / "pager.py").write_text(PLUGIN)
    other = ExtensionManager(manager, [plugins_dir])
    other.load()
    manager.get_integration("tests.pager").create_config(name="On call", save=True)
    other.shutdown()  # as at start-up: stored, but its plugin not loaded yet
    extension_manager = ExtensionManager(manager, [plugins_dir])
    window = MainWindow(manager, extension_manager)
    qtbot.addWidget(window)
    window.load_plugins_after_first_paint()
    window.configs_view.setCurrentIndex(window.configs_view.model().index(0, 0))
    assert not window.actions_by_name["edit"].isEnabled()
    assert window.edit_selected() is None
    assert "still loading" in window.statusBar().currentMessage()
    assert window.banner.isHidden()
    window.load_plugins()  # one plugin per turn of the event loop
    qtbot.waitUntil(lambda: not extension_manager.pending, timeout=10000)
    window.configs_view.setCurrentIndex(window.configs_view.model().index(0, 0))
    assert window.actions_by_name["edit"].isEnabled()
    extension_manager.shutdown()


BROKEN = """\
from desktop_integrations import Extension

def fail():
    raise RuntimeError("the configuration server at https://example.org/a/very/long/path is down")

fail()
"""


def test_a_broken_plugin_is_reported_from_its_own_file_and_line(
    qtbot: QtBot, window: MainWindow, plugins_dir: Path, extensions: ExtensionManager
) -> None:
    (plugins_dir / "broken.py").write_text(BROKEN)
    (plugins_dir / "pkg").mkdir()
    (plugins_dir / "pkg" / "__init__.py").write_text("from . import helpers\n")
    (plugins_dir / "pkg" / "helpers.py").write_text("\n1 / 0\n")
    extensions.rescan()
    page = window.plugins_page
    assert page is not None
    items = [page.errors_list.item(row).text() for row in range(page.errors_list.count())]
    assert items[0].startswith("broken.py, line 4: was not loaded: RuntimeError: the config")
    assert items[1].startswith("pkg/helpers.py, line 2: was not loaded: ZeroDivisionError")

    details = page.details.toPlainText()
    assert details.startswith("broken.py, line 4\nPlugin 'broken' (")
    # The traceback starts at the plugin's first frame, not in the loader.
    traceback = details.split("\n\n", 1)[1]
    first_frame = traceback.splitlines()[1]
    assert first_frame == f'  File "{plugins_dir / "broken.py"}", line 6, in <module>'
    assert "loader.py" not in details
    assert page.details.lineWrapMode() == page.details.LineWrapMode.WidgetWidth

    page._copy_details()
    from PySide6.QtWidgets import QApplication

    assert "loader.py" in QApplication.clipboard().text()  # the whole traceback


def test_the_banner_shows_the_plugins_page_and_stops_pointing_at_it_once_open(
    qtbot: QtBot, window: MainWindow, plugins_dir: Path, extensions: ExtensionManager
) -> None:
    (plugins_dir / "broken.py").write_text(BROKEN)
    extensions.rescan()
    window.show()
    banner = window.plugins_banner
    assert banner.text() == "1 plugin could not be loaded (broken)."
    assert banner.action_button.isVisible() and banner.action_button.text() == "Show"

    qtbot.mouseClick(banner.action_button, Qt.MouseButton.LeftButton)

    assert window.plugins_dock.isVisible()
    assert banner.text() == "1 plugin could not be loaded (broken)."
    assert not banner.action_button.isVisible()
    assert "View menu" not in banner.text()


def test_try_again_loads_a_plugin_that_crashed_the_app(
    qtbot: QtBot, manager: IntegrationManager, plugins_dir: Path, tmp_path: Path
) -> None:
    path = plugins_dir / "flaky.py"
    path.write_text(PLUGIN)
    # The journal of a process that died while loading it.
    guard = tmp_path / "data" / "crash-guard"
    guard.mkdir(parents=True)
    (guard / "1.journal").write_text(f"loading\tflaky\t{path}\n")
    extensions = ExtensionManager(manager, [plugins_dir])
    extensions.load()
    try:
        window = MainWindow(manager, extensions)
        qtbot.addWidget(window)
        page = window.plugins_page
        assert page is not None
        assert "flaky.py: is disabled: it crashed the app on " in page.errors_list.item(0).text()
        assert page.reload_button.text() == "Try Again"

        qtbot.mouseClick(page.reload_button, Qt.MouseButton.LeftButton)

        assert page.errors_list.count() == 0
        assert "Pager" in picker_names(window)
    finally:
        extensions.shutdown()
