"""Starting the desktop app: wires the store, managers and windows together.

This is the one module outside ``ui/`` that imports Qt.
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication, QListWidget, QMainWindow

from desktop_integrations.errors import StoreError
from desktop_integrations.manager import IntegrationManager, set_integration_manager
from desktop_integrations.store import ConfigStore


def run(args: argparse.Namespace, qt_argv: list[str]) -> int:
    """Open the main window and run the event loop; return the exit status."""
    app = QApplication.instance() or QApplication(qt_argv)
    app.setApplicationName("desktop-integrations")
    try:
        store = ConfigStore()
    except StoreError as e:
        print(f"desktop-integrations: {e}", file=sys.stderr)
        return 1
    manager = IntegrationManager(store)
    set_integration_manager(manager)
    window = QMainWindow()
    window.setWindowTitle("Integrations")
    listing = QListWidget()
    listing.addItems([integration.name for integration in manager.get_integrations()])
    window.setCentralWidget(listing)
    window.resize(720, 480)
    window.show()
    try:
        return app.exec()
    finally:
        manager.shutdown()
        store.close()
