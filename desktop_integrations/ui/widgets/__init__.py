"""Field widgets for configuration dialogs, and the registry that picks them."""

from desktop_integrations.ui.widgets.field_widget import FieldWidget
from desktop_integrations.ui.widgets.registry import (
    WidgetFactory,
    create_widget,
    register_widget,
    unregister_widget,
)

__all__ = ["FieldWidget", "WidgetFactory", "create_widget", "register_widget", "unregister_widget"]
