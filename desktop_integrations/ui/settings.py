"""Where the UI keeps window geometry and other preferences."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from desktop_integrations.paths import APP_NAME


def ui_settings() -> QSettings:
    """Return the app's user settings (an INI file in Qt's user settings folder).

    The INI format is used on every platform, so ``QSettings.setPath()`` on
    ``IniFormat`` relocates it (tests do, to stay away from the user's file).
    """
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, APP_NAME)
