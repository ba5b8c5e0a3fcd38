"""The main window's standing notices: a recovered database, plugins that failed to load."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_integrations.ui.main_window import MainWindow


def show_recovery(window: MainWindow) -> None:
    """Say in the banner that the database was moved aside, if the store had to."""
    moved = getattr(window.manager.store, "recovered_from", None)
    if moved is not None:
        window.banner.show_message(
            f"The configuration database could not be read. It was moved aside to "
            f"{moved} (kept, not deleted) and a new, empty database was opened.",
            "warning",
        )


def show_plugin_problems(window: MainWindow) -> None:
    """Name the plugins that could not be loaded, with a Show button for the Plugins page."""
    manager = window.extension_manager
    errors = manager.get_load_errors() if manager is not None else {}
    if not errors:
        window.plugins_banner.hide()
        return
    names = ", ".join(sorted(errors))
    message = f"{len(errors)} plugin{'s' if len(errors) > 1 else ''} could not be loaded ({names})."
    if window.plugins_dock.isHidden():
        show = window.actions_by_name["plugins"]
        action = ("Show", lambda: show.setChecked(True))
        window.plugins_banner.show_message(message, "warning", action)
    else:  # the page is open: it says why
        window.plugins_banner.show_message(message, "warning")
