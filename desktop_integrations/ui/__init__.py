"""The desktop UI (PySide6): main window, configuration dialog, icons and field widgets.

Names are imported on first use, so that starting the app does not pay for
the dialog and its widgets before a dialog is opened.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_integrations.ui.config_dialog import ConfigDialog
    from desktop_integrations.ui.dialog_actions import (
        DialogAction,
        register_dialog_action,
        register_dialog_section,
    )
    from desktop_integrations.ui.icons import integration_icon
    from desktop_integrations.ui.main_window import MainWindow
    from desktop_integrations.ui.widgets import FieldWidget, register_widget

_MODULES = {
    "ConfigDialog": "config_dialog",
    "DialogAction": "dialog_actions",
    "FieldWidget": "widgets",
    "MainWindow": "main_window",
    "integration_icon": "icons",
    "register_dialog_action": "dialog_actions",
    "register_dialog_section": "dialog_actions",
    "register_widget": "widgets",
}

__all__ = [
    "ConfigDialog",
    "DialogAction",
    "FieldWidget",
    "MainWindow",
    "integration_icon",
    "register_dialog_action",
    "register_dialog_section",
    "register_widget",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
