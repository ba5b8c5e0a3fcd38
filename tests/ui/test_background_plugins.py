"""The window keeps painting and answering while plugin modules import on a worker thread."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from desktop_integrations import IntegrationManager
from desktop_integrations.app import pause_collector_while_loading
from desktop_integrations.extensions.manager import ExtensionManager
from desktop_integrations.ui.configs_model import INTEGRATION, NAME
from desktop_integrations.ui.main_window import MainWindow
from tests import plugin_gate
from tests.plugin_gate import Gate, gated_plugin
from tests.plugins.test_extension_manager import good, write_plugin


@pytest.fixture
def gate() -> Iterator[Gate]:
    yield plugin_gate.install()
    plugin_gate.remove()


@pytest.fixture
def plugins_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "user-plugins"
    folder.mkdir()
    return folder


def picker_names(window: MainWindow) -> list[str]:
    model = window.integrations_view.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def open_window(
    qtbot: QtBot, manager: IntegrationManager, extensions: ExtensionManager
) -> MainWindow:
    """Open the window as the app does: plugins load after its first paint."""
    window = MainWindow(manager, extensions)
    qtbot.addWidget(window)
    window.load_plugins_after_first_paint()
    window.show()
    return window


def test_the_window_answers_while_a_plugin_imports_and_lists_it_once_imported(
    qtbot: QtBot, manager: IntegrationManager, plugins_dir: Path, gate: Gate
) -> None:
    (plugins_dir / "pager.py").write_text(gated_plugin("Pager", "tests.pager"))
    extensions = ExtensionManager(manager, [plugins_dir])
    window = open_window(qtbot, manager, extensions)
    qtbot.waitUntil(gate.started.is_set, timeout=20000)

    assert window.picker.hint.text() == "Loading the integrations…"
    assert "Pager" not in picker_names(window)
    # Only a GUI thread that is free while the module's code runs can open the gate.
    QTimer.singleShot(0, gate.release.set)
    with qtbot.waitSignal(window.pluginsLoaded, timeout=20000):
        pass

    assert gate.gave_up == []
    assert gate.threads["desktop_integrations_plugins.pager"] != threading.get_ident()
    assert "Pager" in picker_names(window)
    assert window.picker.hint.text() != "Loading the integrations…"
    extensions.shutdown()


def test_a_plugin_that_fails_on_the_worker_is_reported_in_the_window(
    qtbot: QtBot, manager: IntegrationManager, plugins_dir: Path, gate: Gate
) -> None:
    broken = gated_plugin("Broken", "tests.broken", hold=False, fail="the server is down")
    (plugins_dir / "broken.py").write_text(broken)
    (plugins_dir / "pager.py").write_text(gated_plugin("Pager", "tests.pager", hold=False))
    extensions = ExtensionManager(manager, [plugins_dir])
    window = open_window(qtbot, manager, extensions)
    loaded: list[bool] = []
    window.pluginsLoaded.connect(lambda: loaded.append(True))
    with qtbot.waitSignal(window.pluginsLoaded, timeout=20000):
        pass
    qtbot.wait(50)

    assert loaded == [True]  # once: the deliveries left in the outbox start once
    assert gate.threads["desktop_integrations_plugins.broken"] != threading.get_ident()
    assert window.plugins_banner.isVisible()
    assert "1 plugin could not be loaded (broken)" in window.plugins_banner.text()
    assert "Pager" in picker_names(window)
    extensions.shutdown()


def test_closing_the_window_while_a_plugin_imports_ends_cleanly(
    qtbot: QtBot, manager: IntegrationManager, plugins_dir: Path, gate: Gate
) -> None:
    (plugins_dir / "pager.py").write_text(gated_plugin("Pager", "tests.pager"))
    extensions = ExtensionManager(manager, [plugins_dir], shutdown_timeout=0.05)
    window = open_window(qtbot, manager, extensions)
    qtbot.waitUntil(gate.started.is_set, timeout=20000)
    loaded: list[bool] = []
    window.pluginsLoaded.connect(lambda: loaded.append(True))

    window.close()
    extensions.shutdown()  # as the app does after its window closed
    worker = next(t for t in threading.enumerate() if t.name == "plugin-imports")
    gate.release.set()
    worker.join(30)
    qtbot.wait(50)  # let a late announcement reach the closed window, if any came

    assert not worker.is_alive()
    assert gate.gave_up == []
    assert loaded == []
    assert "tests.pager" not in [i.integration_id for i in manager.get_integrations()]


def test_the_garbage_collector_pauses_while_plugins_load_and_runs_again_after(
    qtbot: QtBot, manager: IntegrationManager, plugins_dir: Path, gate: Gate
) -> None:
    (plugins_dir / "pager.py").write_text(gated_plugin("Pager", "tests.pager"))
    extensions = ExtensionManager(manager, [plugins_dir])
    window = MainWindow(manager, extensions)
    qtbot.addWidget(window)
    window.load_plugins_after_first_paint()
    try:
        pause_collector_while_loading(window)
        window.show()
        qtbot.waitUntil(gate.started.is_set, timeout=20000)
        paused = not gc.isenabled()
        gate.release.set()
        with qtbot.waitSignal(window.pluginsLoaded, timeout=20000):
            pass

        assert paused
        assert gc.isenabled()  # else the app's memory would only grow
    finally:
        gc.enable()
        gc.unfreeze()
        extensions.shutdown()


def test_a_plugins_page_left_open_lists_the_plugins_without_freezing_the_start(
    qtbot: QtBot, manager: IntegrationManager, plugins_dir: Path, gate: Gate
) -> None:
    (plugins_dir / "pager.py").write_text(gated_plugin("Pager", "tests.pager"))
    extensions = ExtensionManager(manager, [plugins_dir])
    window = open_window(qtbot, manager, extensions)
    window.actions_by_name["plugins"].trigger()  # the page is open while plugins load
    qtbot.waitUntil(gate.started.is_set, timeout=20000)
    page = window.plugins_page
    assert page is not None

    QTimer.singleShot(0, gate.release.set)  # only a GUI thread left free can do it
    with qtbot.waitSignal(window.pluginsLoaded, timeout=20000):
        pass

    assert gate.gave_up == []
    rows = page.extensions_list
    listed = [rows.topLevelItem(i).text(0) for i in range(rows.topLevelItemCount())]
    assert "Pager extension" in listed
    extensions.shutdown()


def store_deploys_and_pages(manager: IntegrationManager, pages_integration: str) -> None:
    """Store "Deploys" (a webhook) and "Pages" (of ``pages_integration``, maybe unregistered)."""
    stamp = datetime.now(UTC).isoformat()
    with manager.store.transaction("store two configurations") as conn:  # type: ignore[attr-defined]
        conn.executemany(
            "INSERT INTO configs (integration_id, name, enabled, settings, extra_data,"
            " revision, time_added, last_updated, settings_version)"
            " VALUES (?, ?, 0, '{}', '{}', 1, ?, ?, 1)",
            [
                ("builtin.webhook", "Deploys", stamp, stamp),
                (pages_integration, "Pages", stamp, stamp),
            ],
        )
    manager.check_expired()  # as if another program had saved them before the window opened


def test_loaded_plugins_name_and_order_the_rows_without_reading_them_again(
    qtbot: QtBot,
    manager: IntegrationManager,
    plugins_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_plugin(plugins_dir, "zed.py", good("Aardvark"))
    store_deploys_and_pages(manager, "zed.AardvarkIntegration")
    reads: list[int] = []
    summaries = manager.store.config_summaries
    monkeypatch.setattr(manager.store, "config_summaries", lambda: reads.append(1) or summaries())
    extensions = ExtensionManager(manager, [plugins_dir])
    window = open_window(qtbot, manager, extensions)
    model = window.configs_model
    # Until its plugin is imported, the row sorts by its integration's ID.
    assert [model.index(row, INTEGRATION).data() for row in range(2)] == ["Webhook", "Loading…"]
    with qtbot.waitSignal(window.pluginsLoaded, timeout=20000):
        pass

    assert [model.index(row, INTEGRATION).data() for row in range(2)] == ["Aardvark", "Webhook"]
    assert [model.index(row, NAME).data() for row in range(2)] == ["Pages", "Deploys"]
    # Registering the plugin changed names and order, not the configurations: one read.
    assert reads == [1]
    extensions.shutdown()


def test_a_filter_set_while_plugins_load_matches_names_known_once_they_are(
    qtbot: QtBot, manager: IntegrationManager, plugins_dir: Path
) -> None:
    # A plugin without a manifest keeps the list loading; no plugin provides "gone".
    write_plugin(plugins_dir, "zed.py", good("Aardvark"))
    store_deploys_and_pages(manager, "gone.Integration")
    extensions = ExtensionManager(manager, [plugins_dir])
    extensions.discover()  # as the app does: the built-ins are listed before the window opens
    window = open_window(qtbot, manager, extensions)
    window.filter_edit.setText("gone")
    # While loading, an integration no plugin has listed yet has no name to match.
    assert window.configs_model.rowCount() == 0
    with qtbot.waitSignal(window.pluginsLoaded, timeout=20000):
        pass

    model = window.configs_model
    assert [model.index(row, NAME).data() for row in range(model.rowCount())] == ["Pages"]
    extensions.shutdown()
