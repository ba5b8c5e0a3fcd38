"""A process that opens a main window and exits once it is ready (or ready and idle).

Usage: python bench/startup_child.py MODE [ARGS]

Modes:
    bare ROWS
        A plain PySide6 program: a QMainWindow whose central widget is a
        QListView over ROWS strings. Ready at its first paint.
    dicts
        The bare window listing every stored configuration, read from the
        database into plain dicts (every column, settings decoded with
        ``json.loads``): the floor for holding the configurations in memory.
    imports FOLDER
        The bare window listing the configurations' names after importing the
        package's public names and every ``*.py`` module in FOLDER with
        importlib, from the bytecode cache beside them: the floor for loading
        a folder of plugins.
    project
        desktop-integrations as its command starts it (``cli.main``), on the
        data folder given in the environment; the modules named in
        ``BENCH_WITHOUT`` (comma-separated) behave as if not installed.

The window is **ready** at the end of the first paint pass after which it
lists what ``BENCH_READY`` (a JSON object in the environment) asks for:
``integrations`` (at least that many rows in ``integrations_view``),
``configs`` (exactly that many rows in ``configs_view``) and, for the
project, no row still waiting for its integration's name (the configurations
model is not ``loading``) and the picker enabled. With ``BENCH_IDLE=1`` the
child then waits until the window is also **idle**: the app has no start-up
work left (its extension manager has nothing pending) and the event loop has
answered a 5 ms timer without a gap longer than 50 ms for 300 ms; idle is the
start of that quiet stretch.

It prints the wall-clock times of the first paint, ready and idle, and the
process's peak RSS (``VmHWM``, which covers every thread) at each; the
parent subtracts its launch time.

Paints are seen through an event filter on the main window alone, installed
as it is shown. An application-wide filter written in Python would make
PySide6 build a Python wrapper, and set up its type, for every object that
receives an event: about 20 ms at start-up, on both sides alike, which is
the harness's cost, not the program's.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

from child_result import emit
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

#: A gap between two 5 ms ticks longer than this is the event loop being busy.
BUSY_GAP = 0.050
#: How long the event loop must stay free to be idle.
QUIET = 0.300


def peak_rss_mib() -> float:
    """The peak resident set size of this process so far (every thread), in MiB.

    ``VmHWM``, the high-water mark of this program's own address space:
    ``ru_maxrss`` also counts the parent's pages from before ``exec``, so a
    large parent (one that imported PySide6) would raise every child's figure.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main_window() -> QMainWindow | None:
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow)]
    return windows[0] if windows else None


def project_ready(expect: dict[str, int]) -> bool:
    """Whether the app's window lists what ``expect`` asks for."""
    window = main_window()
    if window is None:
        return False
    view = getattr(window, "integrations_view", None)
    configs = getattr(window, "configs_view", None)
    if view is None or configs is None or view.model() is None:
        return False
    if view.model().rowCount() < expect.get("integrations", 1) or not view.isEnabled():
        return False
    if configs.model().rowCount() != expect.get("configs", 0):
        return False
    model = getattr(window, "configs_model", None)
    return not getattr(model, "loading", False)


def app_busy() -> bool:
    """Whether the app still has start-up work queued (plugins to import)."""
    window = main_window()
    extensions = getattr(window, "extension_manager", None)
    return bool(getattr(extensions, "pending", ()))


class Watcher(QObject):
    """Records the first paint, ready and idle, then prints them and exits."""

    def __init__(self, ready: Callable[[], bool], wait_idle: bool) -> None:
        super().__init__()
        self.ready = ready
        self.wait_idle = wait_idle
        self.result: dict[str, float] = {}
        self.scheduled = False
        self.limit = float(os.environ.get("BENCH_DEADLINE", "60"))
        self.deadline = time.time() + self.limit
        self.poll = QTimer(self)
        self.poll.timeout.connect(self.check)
        self.poll.start(5)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            not self.scheduled
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and isinstance(watched.window(), QMainWindow)
        ):
            self.scheduled = True
            # Runs once the current paint pass, which draws the whole window, is done.
            QTimer.singleShot(0, self.painted)
        return False

    def painted(self) -> None:
        self.scheduled = False
        now = time.time()
        if "painted_at" not in self.result:
            self.result["painted_at"] = now
            self.result["rss_paint"] = peak_rss_mib()
        if "ready_at" not in self.result and self.ready():
            self.result["ready_at"] = now
            self.result["rss_ready"] = peak_rss_mib()
            if not self.wait_idle:
                self.finish()
            self.last_tick = self.quiet_since = now

    def check(self) -> None:
        now = time.time()
        if now > self.deadline:
            raise SystemExit(f"not ready after {self.limit:g} s: {self.result}")
        if "ready_at" not in self.result:
            window = main_window()
            if window is not None and self.ready():
                window.update()  # ready is when that state has been painted
            return
        if now - self.last_tick > BUSY_GAP or app_busy():
            self.quiet_since = now
        self.last_tick = now
        if now - self.quiet_since >= QUIET:
            self.result["idle_at"] = self.quiet_since
            self.result["rss_idle"] = peak_rss_mib()
            self.finish()

    def finish(self) -> None:
        emit(self.result)
        os._exit(0)


def watch_main_windows(watcher: Watcher) -> None:
    """Install ``watcher`` on each main window as it is first shown."""
    show = QWidget.show

    def show_watched(widget: QWidget) -> None:
        if isinstance(widget, QMainWindow):
            widget.installEventFilter(watcher)
        show(widget)

    QWidget.show = show_watched  # type: ignore[method-assign]


def bare(names: list[str]) -> Any:
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QListView

    window = QMainWindow()
    window.setWindowTitle("Integrations")
    view = QListView()
    view.setModel(QStringListModel(names, view))
    window.setCentralWidget(view)
    window.resize(960, 600)
    window.show()
    return window


def stored_dicts() -> list[dict[str, Any]]:
    """Every stored configuration as a plain dict, settings decoded."""
    import sqlite3

    from desktop_integrations.paths import database_path

    conn = sqlite3.connect(database_path())
    conn.row_factory = sqlite3.Row
    rows = [dict(row) for row in conn.execute("SELECT * FROM configs ORDER BY id")]
    for row in rows:
        row["settings"] = json.loads(row["settings"])
        row["extra_data"] = json.loads(row["extra_data"])
    conn.close()
    return rows


def import_folder(folder: str) -> None:
    """Import every module of ``folder`` from its bytecode cache, as a bare program would."""
    import importlib

    import desktop_integrations

    for name in ("Extension", "Integration", "IntegrationConfigForm", "IntegrationHook"):
        getattr(desktop_integrations, name)
    sys.path.insert(0, folder)
    for entry in sorted(os.listdir(folder)):
        if entry.endswith(".py"):
            importlib.import_module(entry[:-3])


def stored_names() -> list[str]:
    import sqlite3

    from desktop_integrations.paths import database_path

    conn = sqlite3.connect(database_path())
    names = [row[0] for row in conn.execute("SELECT name FROM configs ORDER BY id")]
    conn.close()
    return names


def main() -> int:
    mode = sys.argv[1]
    expect = json.loads(os.environ.get("BENCH_READY", "{}"))
    app = QApplication(sys.argv[:1])
    ready = (lambda: project_ready(expect)) if mode == "project" else (lambda: True)
    watcher = Watcher(ready, os.environ.get("BENCH_IDLE") == "1")
    watch_main_windows(watcher)
    if mode == "project":
        # As if these were not installed (``BENCH_WITHOUT=apprise``: the default install).
        for name in filter(None, os.environ.get("BENCH_WITHOUT", "").split(",")):
            sys.modules[name] = None  # type: ignore[assignment]
        from desktop_integrations.cli import main as cli_main

        return cli_main([])
    kept: Any = None
    if mode == "bare":
        from fixtures import config_name

        names = [config_name(n) for n in range(int(sys.argv[2]))]
    elif mode == "dicts":
        kept = stored_dicts()
        names = [row["name"] for row in kept]
    else:
        import_folder(sys.argv[2])
        names = stored_names()
    window = bare(names)  # noqa: F841  (kept alive, as ``kept``, until exit)
    del names
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
