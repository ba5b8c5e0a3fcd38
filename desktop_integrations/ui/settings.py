"""Where the UI keeps window geometry and other preferences."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from desktop_integrations.paths import APP_NAME


def ui_settings() -> QSettings:
    """Return the app's user settings (an INI file in Qt's user settings folder).

    The INI format is used on every platform, so ``QSettings.setPath()`` on
    ``IniFormat`` relocates it (tests do, to stay away from the user's file).
    """
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, APP_NAME)


def restore_window(window: QMainWindow, splitter: QSplitter) -> None:
    """Give the main window the geometry, docks and splitter it had when last closed."""
    settings = ui_settings()
    geometry = settings.value("MainWindow/geometry")
    if geometry is None or not window.restoreGeometry(geometry):
        window.resize(960, 600)
    state = settings.value("MainWindow/state")
    if state is not None:
        window.restoreState(state)
    sizes = settings.value("MainWindow/splitter")
    if sizes is not None:
        splitter.restoreState(sizes)


def save_window(window: QMainWindow, splitter: QSplitter) -> None:
    """Keep the main window's geometry, docks and splitter for :func:`restore_window`."""
    settings = ui_settings()
    settings.setValue("MainWindow/geometry", window.saveGeometry())
    settings.setValue("MainWindow/state", window.saveState())
    settings.setValue("MainWindow/splitter", splitter.saveState())


def restore_geometry(widget: QWidget, key: str, width: int, height: int) -> None:
    """Give ``widget`` the geometry kept under ``key``; none kept: a ``width`` x ``height`` size."""
    geometry = ui_settings().value(key)
    if geometry is None or not widget.restoreGeometry(geometry):
        widget.resize(width, height)


def save_geometry(widget: QWidget, key: str) -> None:
    """Keep ``widget``'s geometry under ``key`` for :func:`restore_geometry`."""
    ui_settings().setValue(key, widget.saveGeometry())
