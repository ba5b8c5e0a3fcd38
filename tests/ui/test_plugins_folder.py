"""Open Plugins Folder without a file manager says so, with the path to copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from desktop_integrations import IntegrationManager
from desktop_integrations.extensions.manager import ExtensionManager
from desktop_integrations.ui.main_window import MainWindow


@pytest.mark.parametrize("with_plugins", [False, True])
def test_no_file_manager_is_said_in_the_window_with_the_path(
    qtbot: QtBot,
    manager: IntegrationManager,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    with_plugins: bool,
) -> None:
    folder = tmp_path / "plugins"  # the default folder of the tests
    extensions = ExtensionManager(manager, [folder]) if with_plugins else None
    window = MainWindow(manager, extensions)
    qtbot.addWidget(window)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    window.actions_by_name["plugins_folder"].trigger()
    assert window.banner.isVisibleTo(window)
    assert "No file manager could open the plugins folder" in window.banner.text()
    assert str(folder) in window.banner.text()
    if extensions is not None:
        extensions.shutdown()
