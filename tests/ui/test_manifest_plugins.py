"""A plugin with a manifest is listed in the window before it is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_integrations import IntegrationManager
from desktop_integrations.extensions.manager import ExtensionManager
from desktop_integrations.integration import PLUGIN_PACKAGE
from desktop_integrations.ui.config_dialog import ConfigDialog
from desktop_integrations.ui.main_window import MainWindow

PLUGIN = """
from desktop_integrations import Extension, Integration, IntegrationHook


class PagerIntegration(Integration):
    integration_id = "pager.integration"
    name = "Pager"
    description = "Pages whoever is on call."


class PagerExtension(Extension):
    def initialize(self):
        IntegrationHook(self, PagerIntegration)
"""
MANIFEST = {
    "manifest_version": 1,
    "extensions": [
        {
            "id": "pager.PagerExtension",
            "integrations": [
                {"id": "pager.integration", "name": "Pager", "description": "Pages people."}
            ],
        }
    ],
}


def open_window(qtbot: QtBot, manager: IntegrationManager, folder: Path) -> MainWindow:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pager.py").write_text(textwrap.dedent(PLUGIN))
    (folder / "pager.manifest.json").write_text(json.dumps(MANIFEST))
    extensions = ExtensionManager(manager, [folder], safe_mode=False)
    extensions.discover()
    window = MainWindow(manager, extensions)
    qtbot.addWidget(window)
    window.load_plugins_after_first_paint()
    return window


def picker_names(window: MainWindow) -> list[str]:
    model = window.integrations_view.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_the_picker_lists_a_declared_integration_and_choosing_it_imports_the_plugin(
    qtbot: QtBot, manager: IntegrationManager, tmp_path: Path
) -> None:
    window = open_window(qtbot, manager, tmp_path / "plugins")
    assert "Pager" in picker_names(window)
    assert f"{PLUGIN_PACKAGE}.pager" not in sys.modules
    model = window.integrations_view.model()
    row = picker_names(window).index("Pager")
    with qtbot.waitSignal(window.picker.integrationChosen) as chosen:
        window.integrations_view.activated.emit(model.index(row, 0))
    assert f"{PLUGIN_PACKAGE}.pager" in sys.modules
    assert chosen.args == [manager.get_integration("pager.integration")]
    [dialog] = window.findChildren(ConfigDialog)
    assert dialog.integration.name == "Pager"
    assert window.extension_manager is not None
    window.extension_manager.shutdown()


def test_a_configuration_of_a_declared_integration_is_listed_and_usable(
    qtbot: QtBot, manager: IntegrationManager, tmp_path: Path
) -> None:
    with manager.store.transaction("add a configuration") as conn:
        conn.execute(
            "INSERT INTO configs (integration_id, name, enabled, settings, extra_data, revision,"
            " time_added, last_updated) VALUES ('pager.integration', 'On call', 0, '{}', '{}', 1,"
            " '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')"
        )
    window = open_window(qtbot, manager, tmp_path / "plugins")
    model = window.configs_view.model()
    assert [model.index(0, column).data() for column in range(3)] == [
        "On call",
        "Pager",
        "Disabled",
    ]
    assert f"{PLUGIN_PACKAGE}.pager" not in sys.modules
    # Ticking the Status box enables the configuration, which imports the plugin.
    assert model.setData(model.index(0, 2), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert f"{PLUGIN_PACKAGE}.pager" in sys.modules
    assert manager.get_integration("pager.integration").enabled
    assert window.extension_manager is not None
    window.extension_manager.shutdown()


# The app, offscreen: at the end of the first paint, print what the picker lists
# and which of the modules it needs only later are imported, then quit.
FIRST_PAINT = """
import gc, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget
sys.modules["apprise"] = None  # as in the default install
from desktop_integrations.cli.main import main

class FirstPaint(QObject):
    seen = False

    def eventFilter(self, watched, event):
        if (not self.seen and event.type() == QEvent.Type.Paint
                and isinstance(watched, QWidget) and isinstance(watched.window(), QMainWindow)):
            self.seen = True
            QTimer.singleShot(0, lambda: report(watched.window()))
        return False

def report(window):
    model = window.integrations_view.model()
    print("LISTED", sorted(model.index(r, 0).data() for r in range(model.rowCount())))
    later = ("pydantic", "httpx", "desktop_integrations.plugins.slack", "importlib.metadata",
             "subprocess", "hashlib", "uuid", "dataclasses",
             "desktop_integrations.extensions.background", "desktop_integrations.cli.url_import",
             "desktop_integrations.storage.pg_connect", "pkgutil",
             "desktop_integrations.extensions.loader", "desktop_integrations.extensions.extension",
             "desktop_integrations.cli.commands", "fcntl")
    print("IMPORTED", [name for name in later if name in sys.modules])
    print("COLLECTIONS", len(collections), flush=True)
    QApplication.instance().quit()

app = QApplication(sys.argv[:1])
watcher = FirstPaint()
app.installEventFilter(watcher)
collections = []
gc.callbacks.append(lambda phase, info: phase == "start" and collections.append(info))
sys.exit(main([]))
"""


def test_the_first_paint_lists_the_built_in_integrations_without_importing_a_plugin(
    tmp_path: Path,
) -> None:
    # The second launch lists installed plugins from the entry-point cache the
    # first one wrote (in the test's own cache folder), without importlib.metadata.
    # Run from a folder dated a minute back: the module search path starts with
    # it, and a cache taken just after a change there would not be kept.
    settled = tmp_path / "settled"
    settled.mkdir()
    then = time.time() - 60
    os.utime(settled, (then, then))
    for _launch in ("first", "second"):
        result = subprocess.run(
            [sys.executable, "-c", FIRST_PAINT],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=settled,
        )
        assert result.returncode == 0, result.stderr
    listed = next(line for line in result.stdout.splitlines() if line.startswith("LISTED"))
    for name in ("Discord", "Email", "Slack", "Webhook"):
        assert repr(name) in listed
    assert "IMPORTED []" in result.stdout
    # The collector stays paused from the command's start until the plugins load.
    assert "COLLECTIONS 0" in result.stdout
