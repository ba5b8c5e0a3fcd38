"""Filter 100,000 configurations in MainWindow and in a bare QSortFilterProxyModel.

Usage: python bench/scale_child.py DATA_DIR ROUNDS

The main window is opened on DATA_DIR (built-in plugins loaded) and the text
is typed into its filter box; one sample is the time from setting the text
until ``configs_view`` shows exactly the matching rows. The bare side is a
QListView over a QSortFilterProxyModel of the same names, filtered with
``setFilterFixedString`` (case-insensitive) and painted. The two alternate.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from child_result import emit
from PySide6.QtCore import QSortFilterProxyModel, QStringListModel, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QListView, QMainWindow

from desktop_integrations.paths import database_path

#: Filter texts: each matches configuration names only, never an integration name.
TEXTS = ("releases 01", "alerts 00", "nightly builds 09", "000")
FILTER_BOX_NAMES = ("filter_edit", "filter_box", "search_edit", "filter_line_edit", "search_box")


def find_filter_box(window: QMainWindow) -> QLineEdit:
    for name in FILTER_BOX_NAMES:
        box = getattr(window, name, None)
        if isinstance(box, QLineEdit):
            return box
    for box in window.findChildren(QLineEdit):
        hint = box.placeholderText().lower()
        if ("filter" in hint or "search" in hint) and "configuration" in hint:
            return box
    raise RuntimeError("the main window has no box to filter configurations")


def wait_rows(app: QApplication, model: Any, expected: int, timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while model.rowCount() != expected:
        if time.perf_counter() > deadline:
            raise RuntimeError(f"the view shows {model.rowCount()} rows, expected {expected}")
        app.processEvents()
    app.processEvents()


def main() -> None:
    data_dir, rounds = Path(sys.argv[1]), int(sys.argv[2])
    app = QApplication(sys.argv[:1])
    from desktop_integrations.manager import IntegrationManager
    from desktop_integrations.storage import ConfigStore

    try:
        from desktop_integrations.ui import MainWindow
    except ImportError:
        from desktop_integrations.ui.main_window import MainWindow
    try:
        from desktop_integrations import ExtensionManager
    except ImportError:
        from desktop_integrations.extensions.manager import ExtensionManager

    store = ConfigStore(database_path(data_dir))
    manager = IntegrationManager(store)
    extensions = ExtensionManager(manager, plugin_dirs=[data_dir / "plugins"])
    extensions.load()
    window = MainWindow(manager, extensions)
    window.resize(960, 640)
    window.show()
    app.processEvents()
    box = find_filter_box(window)
    view_model = window.configs_view.model()
    names = [row[0] for row in store.query("SELECT name FROM configs ORDER BY id")]
    wait_rows(app, view_model, len(names))

    bare_model = QStringListModel(names)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(bare_model)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    bare_view = QListView()
    bare_view.setModel(proxy)
    bare_view.resize(960, 640)
    bare_view.show()
    app.processEvents()

    def project(text: str, expected: int) -> float:
        start = time.perf_counter()
        box.setText(text)
        wait_rows(app, view_model, expected)
        return time.perf_counter() - start

    def bare(text: str, expected: int) -> float:
        start = time.perf_counter()
        proxy.setFilterFixedString(text)
        wait_rows(app, proxy, expected)
        return time.perf_counter() - start

    sides = {"project": project, "bare": bare}
    samples: dict[str, list[float]] = {name: [] for name in sides}
    for number in range(rounds):
        order = list(sides) if number % 2 == 0 else list(reversed(sides))
        for text in TEXTS:
            expected = sum(text in name.lower() for name in names)
            for name in order:
                samples[name].append(sides[name](text, expected))
                sides[name]("", len(names))
    emit({name: statistics.median(values) for name, values in samples.items()})
    # The numbers are out: skip interpreter teardown, where PySide6 6.12.0 on
    # Python 3.11 can abort (its Signal.emit() drops a reference to True).
    os._exit(0)


if __name__ == "__main__":
    main()
