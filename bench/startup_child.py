"""A process that opens a main window and exits once it is first painted.

Usage: python bench/startup_child.py bare ROWS | core | project | window

``bare`` is a plain PySide6 program: a QMainWindow whose central widget is a
QListView over ROWS strings. ``project`` starts desktop-integrations the way
its command does (``cli.main``), on the data folder given in the environment;
``window`` builds MainWindow the way the app wires it, for while ``app.py``
still opens a placeholder. ``core`` is the bare window listing the
configurations loaded through the core: the floor for any window built on it.
Both report the wall-clock time of the first paint of their main window and
their peak RSS at that moment; the project also reports when the window lists
its integrations (plugins may load after the first paint). The parent
subtracts its launch time.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from typing import Any

from child_result import emit
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget


class FirstPaint(QObject):
    """Report the first paint of any main window's content, then exit.

    With ``wait_ready``, exit only once the window lists its integrations (the
    app may load plugins after its first paint), and report that time too.
    """

    def __init__(self, wait_ready: bool) -> None:
        super().__init__()
        self.seen = False
        self.wait_ready = wait_ready
        self.result: dict[str, float | None] = {}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            not self.seen
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and isinstance(watched.window(), QMainWindow)
        ):
            self.seen = True
            # Runs once the current paint pass, which draws the whole window, is done.
            QTimer.singleShot(0, self.painted)
        return False

    def painted(self) -> None:
        self.result["painted_at"] = time.time()
        # Peak memory up to the first paint, as wait4 would report on exit now.
        self.result["rss_at_paint_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if not self.wait_ready:
            self.finish()
        self.deadline = time.time() + 30
        self.poll = QTimer(self)
        self.poll.timeout.connect(self.check_ready)
        self.poll.start(1)

    def check_ready(self) -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow)]
        view = getattr(windows[0], "integrations_view", None) if windows else None
        listed = view is None or view.model() is None or view.model().rowCount() > 0
        if listed or time.time() > self.deadline:
            self.result["ready_at"] = time.time() if listed else None
            self.finish()

    def finish(self) -> None:
        emit(self.result)
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
    watcher = FirstPaint(wait_ready=sys.argv[1] in ("project", "window"))
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
    from desktop_integrations.storage import ConfigStore

    manager = IntegrationManager(ConfigStore(database_path()))
    return [config.name for config in manager.get_integration_configs()]


def main_window() -> Any:
    """Wire store, managers and MainWindow as the app does, for before app.py does it."""
    from desktop_integrations.manager import IntegrationManager, set_integration_manager
    from desktop_integrations.paths import database_path, plugins_dir
    from desktop_integrations.storage import ConfigStore

    try:
        from desktop_integrations.ui import MainWindow
    except ImportError:
        from desktop_integrations.ui.main_window import MainWindow
    try:
        from desktop_integrations import ExtensionManager
    except ImportError:
        from desktop_integrations.extensions.manager import ExtensionManager

    manager = IntegrationManager(ConfigStore(database_path()))
    set_integration_manager(manager)
    extensions = ExtensionManager(manager, plugin_dirs=[plugins_dir()])
    extensions.load()
    window = MainWindow(manager, extensions)
    window.show()
    return window


if __name__ == "__main__":
    sys.exit(main())
