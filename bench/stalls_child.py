"""Measure the longest GUI stall of the main window at 100,000 configurations.

Usage: python bench/stalls_child.py DATA_DIR [PLUGINS_DIR]

A 5 ms QTimer heartbeat runs on the GUI thread; a scenario's stall is the
longest gap between two beats while it runs (and until its changes are shown).
Scenarios: 2,000 configurations saved by a worker thread; 2,000 saved by
another process, then picked up (window activated); F5 (rescan and re-read);
Space on a row (enable/disable); a File > Import of 2,000 configurations; and
typing into the filter box. Prints one result line, in seconds, per scenario.

With PLUGINS_DIR, the one scenario is instead the app's own start: the window
opens on DATA_DIR with that plugins folder, and its plugins load after the
first paint; the stall is the longest gap from the first paint until they are
all loaded (and 200 ms more).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from child_result import emit
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from desktop_integrations.paths import database_path

BURST = 2_000


class Heartbeat:
    """A 5 ms timer on the GUI thread that records the longest gap between beats."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._beat)
        self.last = time.perf_counter()
        self.longest = 0.0

    def _beat(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0


def settle(app: QApplication, done: Callable[[], bool], timeout: float = 120.0) -> None:
    """Run the event loop until ``done()``, then 200 ms more (late updates count too)."""
    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise RuntimeError("the scenario did not finish in time")
        app.processEvents()
        time.sleep(0.001)
    end = time.perf_counter() + 0.2
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)


def load_plugins_after_first_paint(app: QApplication, data_dir: Path, plugins: Path) -> None:
    """Open the window as the app does and measure from its first paint until plugins loaded."""
    sys.modules["apprise"] = None  # type: ignore[assignment]  # the default install
    from desktop_integrations.app import pause_collector_while_loading
    from desktop_integrations.extensions.manager import ExtensionManager
    from desktop_integrations.manager import IntegrationManager
    from desktop_integrations.storage import ConfigStore
    from desktop_integrations.ui.main_window import MainWindow

    store = ConfigStore(database_path(data_dir))
    manager = IntegrationManager(store)
    extensions = ExtensionManager(manager, plugin_dirs=[plugins])
    extensions.discover()  # before the window, as app.py does
    window = MainWindow(manager, extensions)
    window.resize(960, 640)
    heart = Heartbeat()
    loaded: list[bool] = []
    window.pluginsLoaded.connect(lambda: loaded.append(True))
    load = window.load_plugins

    def measured_load() -> None:  # called once the first paint pass is done
        heart.reset()
        heart.timer.start()
        load()

    window.load_plugins = measured_load  # type: ignore[method-assign]
    window.load_plugins_after_first_paint()
    pause_collector_while_loading(window)
    window.show()
    settle(app, lambda: bool(loaded))
    ids = [integration.integration_id for integration in manager.get_integrations()]
    registered = sum(integration_id.startswith("bench_plugin_") for integration_id in ids)
    emit({"plugins": heart.longest, "registered": float(registered)})
    os._exit(0)


def main() -> None:
    data_dir = Path(sys.argv[1])
    app = QApplication(sys.argv[:1])
    if len(sys.argv) > 2:
        load_plugins_after_first_paint(app, data_dir, Path(sys.argv[2]))
    from desktop_integrations.extensions.manager import ExtensionManager
    from desktop_integrations.manager import IntegrationManager
    from desktop_integrations.storage import ConfigStore
    from desktop_integrations.ui.main_window import MainWindow

    store = ConfigStore(database_path(data_dir))
    manager = IntegrationManager(store)
    extensions = ExtensionManager(manager, plugin_dirs=[data_dir / "plugins"])
    extensions.load()
    window = MainWindow(manager, extensions)
    window.resize(960, 640)
    window.show()
    app.processEvents()
    model = window.configs_model
    heart = Heartbeat()
    heart.timer.start()
    results: dict[str, float] = {}
    slack = manager.get_integration("builtin.slack")

    def measure(name: str, start: Callable[[], object], done: Callable[[], bool]) -> None:
        settle(app, lambda: True)
        heart.reset()
        start()
        settle(app, done)
        results[name] = heart.longest

    def settings(n: int) -> dict[str, str]:
        return {"webhook_url": f"https://hooks.slack.example/b{n}", "channel": "#b"}

    # 1. A worker thread saves 2,000 configurations.
    total = model.total_count() + BURST

    def worker() -> None:
        for n in range(BURST):
            slack.create_config(name=f"Worker {n:05d}", settings=settings(n), save=True)

    thread = threading.Thread(target=worker)
    measure("thread_saves", thread.start, lambda: model.total_count() == total)
    thread.join()

    # 2. Another process saves 2,000; the window picks them up when activated.
    other = IntegrationManager(ConfigStore(database_path(data_dir)))
    other_slack = other.register_integration_class(type(slack))
    with other.store.transaction("bench"):
        for n in range(BURST):
            other_slack.create_config(name=f"Other {n:05d}", settings=settings(n), save=True)
    total += BURST
    measure("process_saves", window.check_for_changes, lambda: model.total_count() == total)

    # 3. F5: rescan the plugins and re-read the database.
    measure("reload", window.reload_all, lambda: model.total_count() == total)

    # 4. Space on a selected row.
    window.configs_view.setCurrentIndex(model.index(5, 0))
    measure("toggle", window.toggle_selected_enabled, lambda: True)

    # 5. File > Import of 2,000 configurations.
    from desktop_integrations.cli.transfer import FORMAT
    from desktop_integrations.ui.transfer_actions import import_file

    entries = [
        {"integration_id": "builtin.slack", "name": f"Imported {n:05d}", "settings": settings(n)}
        for n in range(BURST)
    ]
    path = Path(tempfile.mkdtemp()) / "import.json"
    path.write_text(json.dumps({"format": FORMAT, "version": 2, "configurations": entries}))
    dialog = import_file(window, path)
    assert dialog is not None
    total += BURST
    measure("import", dialog.accept, lambda: model.total_count() == total)

    # 6. Typing a filter, then clearing it.
    measure("filter", lambda: window.filter_edit.setText("worker"), lambda: True)
    measure("unfilter", lambda: window.filter_edit.setText(""), lambda: True)

    emit(results)
    os._exit(0)  # skip teardown (see scale_child.py)


if __name__ == "__main__":
    main()
