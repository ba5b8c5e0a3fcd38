"""The configuration actions: the dialog, which apply, the integration they need, Delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_integrations.errors import ConfigConflictError, IntegrationError

if TYPE_CHECKING:
    from desktop_integrations.config import IntegrationConfig
    from desktop_integrations.integration import Integration
    from desktop_integrations.ui.config_dialog import ConfigDialog
    from desktop_integrations.ui.main_window import MainWindow


def open_dialog(
    window: MainWindow, integration: Integration, config: IntegrationConfig | None
) -> ConfigDialog:
    """Open the add/edit dialog (window-modal, not blocking) and return it."""
    # Imported here: the dialog and its widgets are not needed to open the window.
    from PySide6.QtCore import Qt

    from desktop_integrations.ui.config_dialog import ConfigDialog

    dialog = ConfigDialog(integration, config, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.configSaved.connect(window.select_config)
    dialog.open()
    return dialog


def update_actions(window: MainWindow) -> None:
    """Enable, show and name the configuration actions for the selected row."""
    # From the row alone: the configuration is fetched only when acted on.
    pane = window.configs_pane
    actions = window.actions_by_name
    integration_id = pane.selected_integration_id()
    usable = integration_id is not None and (
        window.manager.is_registered(integration_id)
        or window.manager.find_declared(integration_id) is not None
    )
    actions["edit"].setEnabled(usable)
    actions["duplicate"].setEnabled(usable)
    actions["delete"].setEnabled(integration_id is not None)
    # Repairs: stored settings that no longer validate get a Fix… action.
    actions["fix"].setVisible(usable and bool(pane.selected_problems()))
    toggle = actions["toggle_enabled"]
    toggle.setEnabled(usable)
    enabled = pane.selected_enabled()
    toggle.setText(("Disa&ble" if enabled or enabled is None else "Ena&ble") + "\tSpace")


def usable_selection(window: MainWindow) -> tuple[IntegrationConfig, Integration] | None:
    """Return the selected configuration and its integration, or None after saying why not."""
    config = window.selected_config()
    if config is None:
        return None
    # A declared integration's plugin is imported now.
    model = window.configs_model
    integration = window.manager.load_integration(config.integration_id)
    if integration is None and model.loading:
        window.statusBar().showMessage("The integrations are still loading; try again.", 5000)
        return None
    if integration is None:
        window.banner.show_message(
            f"“{config.name}” belongs to "
            f"{model.integration_label(config.integration_id)}, which is not "
            "installed. It is kept, and can be edited again once its plugin is back.",
            "warning",
        )
        return None
    return config, integration


def delete_config(window: MainWindow, config: IntegrationConfig) -> bool:
    """Delete ``config`` after asking; return whether it was deleted."""
    from PySide6.QtWidgets import QMessageBox  # its enums cost start-up time

    answer = QMessageBox.question(
        window,
        "Delete configuration",
        f"Delete the configuration “{config}”?\n\nIts settings are removed for good.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        try:
            config.delete()
        except ConfigConflictError:
            from desktop_integrations.ui.conflict_box import ask_delete_conflict

            choice = ask_delete_conflict(window, config.name)
            if choice == "reload":
                window.check_for_changes()
            if choice != "delete":
                return False
            config.delete(force=True)
    except IntegrationError as e:
        window.show_error(f"Could not delete “{config.name}”: {e}")
        return False
    return True
