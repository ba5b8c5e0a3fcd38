"""Starting the desktop app: wires the store, managers and windows together.

This is the one module outside ``ui/`` that imports Qt.
"""

from __future__ import annotations

import argparse
import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_integrations import paths
from desktop_integrations.errors import StoreError
from desktop_integrations.extension_manager import ExtensionManager
from desktop_integrations.manager import IntegrationManager, set_integration_manager
from desktop_integrations.store import ConfigStore
from desktop_integrations.ui.icons import app_icon
from desktop_integrations.ui.main_window import MainWindow

logger = logging.getLogger(__name__)


def _open_store() -> ConfigStore | None:
    """Open the database; on failure, say why (stderr and a message box) and return None."""
    try:
        store = ConfigStore()
    except StoreError as e:
        print(f"desktop-integrations: {e}", file=sys.stderr)
        QMessageBox.critical(None, "Cannot open the configuration database", str(e))
        return None
    if store.recovered_from is not None:
        print(
            f"desktop-integrations: the database could not be read and was moved aside to "
            f"{store.recovered_from}; a new one was opened.",
            file=sys.stderr,
        )
    return store


def run(args: argparse.Namespace, qt_argv: list[str]) -> int:
    """Open the main window and run the event loop; return the exit status."""
    app = QApplication.instance() or QApplication(qt_argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(paths.APP_NAME)
    app.setApplicationDisplayName("Integrations")
    app.setWindowIcon(app_icon("app"))
    store = _open_store()
    if store is None:
        return 1
    manager = IntegrationManager(store)
    set_integration_manager(manager)
    safe_mode = bool(getattr(args, "safe_mode", False))
    extensions = ExtensionManager(manager, safe_mode=safe_mode)
    try:
        window = MainWindow(manager, extensions)
        window.load_plugins_after_first_paint()
        if safe_mode:
            shown = [window.banner.text()] if window.banner.text() else []
            note = "Safe mode: only the built-in plugins are loaded."
            window.banner.show_message([*shown, note], "warning" if shown else "info")
        window.show()
        status = app.exec()
        window.close()
        return status
    finally:
        extensions.shutdown()
        manager.shutdown()
        store.close()
        set_integration_manager(None)
