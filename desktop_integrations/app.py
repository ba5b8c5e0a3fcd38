"""Starting the desktop app: wires the store, managers and windows together.

This is the one module outside ``ui/`` that imports Qt.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

# First after PySide6: it makes PySide6's check of each module imported from here on cheap.
from desktop_integrations import pyside_import_scan as _  # noqa: F401

# isort: split
from desktop_integrations import paths
from desktop_integrations.cli.opening import open_store, report
from desktop_integrations.errors import StoreError
from desktop_integrations.extensions.manager import ExtensionManager
from desktop_integrations.manager import IntegrationManager, set_integration_manager
from desktop_integrations.storage import Store
from desktop_integrations.ui.icons import app_icon
from desktop_integrations.ui.main_window import MainWindow

if TYPE_CHECKING:
    from desktop_integrations.delivery import DeliveryPool

logger = logging.getLogger(__name__)

#: The libraries Qt's X11 platform plugin loads that desktops may lack, with the
#: Debian and Ubuntu packages that provide them.
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


def display_problem(
    environ: Mapping[str, str], platform: str, load: Callable[[str], object] | None = None
) -> str | None:
    """Return why Qt could not open a window here, or None.

    Qt aborts the process when its platform plugin cannot start; checking first
    lets the app say what is wrong and how to fix it.

    Args:
        environ: The environment variables.
        platform: ``sys.platform``.
        load: Loads a shared library, raising OSError if it cannot (by
            default ``ctypes.CDLL``).
    """
    requested = environ.get("QT_QPA_PLATFORM", "")
    if platform != "linux" or requested not in ("", "xcb") or environ.get("WAYLAND_DISPLAY"):
        return None
    if not environ.get("DISPLAY"):
        return (
            "There is no display to open the window on (DISPLAY is not set). Start it "
            "from a desktop session, or set QT_QPA_PLATFORM=offscreen to run without a screen."
        )
    if load is None:
        import ctypes

        load = ctypes.CDLL
    missing = []
    for library, package in XCB_LIBRARIES.items():
        try:
            load(library)
        except OSError:
            missing.append(package)
    if missing:
        return (
            "Qt needs system libraries that are not installed: "
            f"{', '.join(missing)}. On Debian or Ubuntu: sudo apt install {' '.join(missing)}"
        )
    return None


def _open_store() -> Store | None:
    """Open the database; on failure, say why (stderr and a message box) and return None."""
    try:
        return open_store()
    except StoreError as e:
        from PySide6.QtWidgets import QMessageBox  # imported here, as dialogs are: seldom needed

        report(str(e))
        QMessageBox.critical(None, "Cannot open the configuration database", str(e))
        return None


def _delivery_pool() -> DeliveryPool:
    # Imported here: the delivery pool imports pydantic and httpx, which the
    # window does not need until the plugins are loaded.
    from desktop_integrations.delivery import get_delivery_pool

    return get_delivery_pool()


def pause_collector_while_loading(window: MainWindow) -> None:
    """Pause Python's cyclic garbage collector until the window's plugins are loaded.

    Plugin modules import on a worker thread, and a full collection that their
    imports set off there walks every object while holding the interpreter
    lock: with 1,000 plugins the window stalled for 0.1 to 0.4 s at each one.
    What exists once they are loaded (the rows, the plugins' classes) lives as
    long as the app, so it is frozen out of later collections.
    """
    gc.freeze()
    gc.disable()

    def resume() -> None:
        gc.freeze()
        gc.enable()

    window.pluginsLoaded.connect(resume)


def run(args: argparse.Namespace, qt_argv: list[str]) -> int:
    """Open the main window and run the event loop; return the exit status."""
    if QApplication.instance() is None:
        problem = display_problem(os.environ, sys.platform)
        if problem:
            report(problem)
            return 1
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
    extensions = ExtensionManager(manager, safe_mode=safe_mode, watch_faults=True)
    try:
        # Lists what plugin manifests declare before the window is built; the
        # imports wait until it is painted.
        extensions.discover()
        window = MainWindow(manager, extensions)
        # Deliveries left in the outbox go out once their plugins have loaded;
        # the delivery pool (and what it imports) is not needed before.
        window.pluginsLoaded.connect(lambda: _delivery_pool().attach(manager))
        window.load_plugins_after_first_paint()
        pause_collector_while_loading(window)
        if store.warnings:  # a read-only data folder, a damaged write-ahead log
            shown = [window.banner.text()] if window.banner.text() else []
            window.banner.show_message([*shown, *store.warnings], "warning")
        if safe_mode:
            shown = [window.banner.text()] if window.banner.text() else []
            note = "Safe mode: only the built-in plugins are loaded."
            window.banner.show_message([*shown, note], "warning" if shown else "info")
        window.show()
        status = app.exec()
        window.close()
        return status
    finally:
        gc.enable()  # if the window closed before its plugins were loaded
        _delivery_pool().shutdown()
        extensions.shutdown()
        manager.shutdown()
        store.close()
        set_integration_manager(None)
