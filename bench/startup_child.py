"""A process that opens a main window and exits once it is first painted.

Usage: python bench/startup_child.py bare ROWS | core | project | window

``bare`` is a plain PySide6 program: a QMainWindow whose central widget is a
QListView over ROWS strings. ``project`` starts desktop-integrations the way
its command does (``cli.main``), on the data folder given in the environment;
``window`` builds MainWindow the way the app wires it, for while ``app.py``
still opens a placeholder. ``core`` is the bare window listing the
configurations loaded through the core: the floor for any window built on it.
Both report the wall-clock time of the first paint of their main window; the
parent subtracts its launch time and reads the peak RSS from ``wait4``.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from child_result import emit
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget


class FirstPaint(QObject):
    """Exit the process right after the first paint of any main window's content."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            not self.seen
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and isinstance(watched.window(), QMainWindow)
        ):
            self.seen = True
            # Runs once the current paint pass, which draws the whole window, is done.
            QTimer.singleShot(0, self.done)
        return False

    def done(self) -> None:
        emit({"painted_at": time.time()})
        os._exit(0)


def bare(names: list[str]) -> Any:
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QListView

    window = QMainWindow()
    window.setWindowTitle("Integrations")
    view = QListView()
    view.setModel(QStringListModel(names, view))
    window.setCentralWidget(view)
    window.resize(720, 480)
    window.show()
    return window


def main() -> int:
    app = QApplication(sys.argv[:1])
    watcher = FirstPaint()
    app.installEventFilter(watcher)
    if sys.argv[1] == "bare":
        from fixtures import config_name

        window = bare([config_name(n) for n in range(int(sys.argv[2]))])
        return app.exec()
    if sys.argv[1] == "core":
        window = bare(core_names())
        return app.exec()
    if sys.argv[1] == "window":
        window = main_window()  # noqa: F841  (kept alive until exit)
        return app.exec()
    from desktop_integrations.cli import main as cli_main

    return cli_main([])


def core_names() -> list[str]:
    """Load the configurations through the core, as the app must before listing them."""
    from desktop_integrations.manager import IntegrationManager
    from desktop_integrations.paths import database_path
    from desktop_integrations.store import ConfigStore

    manager = IntegrationManager(ConfigStore(database_path()))
    return [config.name for config in manager.get_integration_configs()]


def main_window() -> Any:
    """Wire store, managers and MainWindow as the app does, for before app.py does it."""
    from desktop_integrations.manager import IntegrationManager, set_integration_manager
    from desktop_integrations.paths import database_path, plugins_dir
    from desktop_integrations.store import ConfigStore

    try:
        from desktop_integrations.ui import MainWindow
    except ImportError:
        from desktop_integrations.ui.main_window import MainWindow
    try:
        from desktop_integrations import ExtensionManager
    except ImportError:
        from desktop_integrations.extension_manager import ExtensionManager

    manager = IntegrationManager(ConfigStore(database_path()))
    set_integration_manager(manager)
    extensions = ExtensionManager(manager, plugin_dirs=[plugins_dir()])
    extensions.load()
    window = MainWindow(manager, extensions)
    window.show()
    return window


if __name__ == "__main__":
    sys.exit(main())
