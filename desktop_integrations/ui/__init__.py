"""The desktop UI (PySide6): main window, configuration dialog, icons and field widgets."""

from desktop_integrations.ui.config_dialog import ConfigDialog
from desktop_integrations.ui.dialog_actions import (
    DialogAction,
    register_dialog_action,
    register_dialog_section,
)
from desktop_integrations.ui.icons import integration_icon
from desktop_integrations.ui.widgets import FieldWidget, register_widget

__all__ = [
    "ConfigDialog",
    "DialogAction",
    "FieldWidget",
    "integration_icon",
    "register_dialog_action",
    "register_dialog_section",
    "register_widget",
]
