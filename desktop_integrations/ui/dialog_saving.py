"""Saving a configuration dialog's form, and reading its configuration again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_integrations.errors import ConfigConflictError, IntegrationError

if TYPE_CHECKING:
    from desktop_integrations.config import IntegrationConfig
    from desktop_integrations.forms import BoundConfigForm
    from desktop_integrations.integration import Integration
    from desktop_integrations.ui.config_dialog import ConfigDialog


def save_form(dialog: ConfigDialog, form: BoundConfigForm) -> IntegrationConfig | None:
    """Save the valid ``form`` of ``dialog``; return the saved configuration, or None.

    A failed save (a read-only or full disk) shows why in the dialog's banner.
    A configuration changed elsewhere since it was loaded asks (through
    :meth:`ConfigDialog.ask_conflict`) whether to reload it or overwrite it.
    """
    try:
        return form.save()
    except ConfigConflictError:
        choice = dialog.ask_conflict()
        if choice == "reload":
            dialog.reload()
            return None
        if choice != "overwrite":
            return None
        return _save(dialog, form, force=True)
    except IntegrationError as e:
        _show_failure(dialog, form, e)
        return None


def _save(dialog: ConfigDialog, form: BoundConfigForm, *, force: bool) -> IntegrationConfig | None:
    try:
        return form.save(force=force)
    except IntegrationError as e:
        _show_failure(dialog, form, e)
        return None


def _show_failure(dialog: ConfigDialog, form: BoundConfigForm, error: IntegrationError) -> None:
    dialog.banner.show_message([f"Could not save {form.data['name']!r}.", str(error)], "error")


def stored_config(integration: Integration, config_id: int) -> IntegrationConfig | None:
    """Read the configuration ``config_id`` from the database again; None if it was deleted."""
    manager = integration.integration_mgr
    manager.clear_configs_cache(integration)
    fresh = manager.get_integration_configs(integration, id=config_id)
    return fresh[0] if fresh else None
