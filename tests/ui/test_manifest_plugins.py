"""A plugin with a manifest is listed in the window before it is imported."""

from __future__ import annotations

import json
import sys
import textwrap
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
