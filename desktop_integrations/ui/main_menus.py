"""The main window's actions, menus and toolbar, and its folder and About actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

from desktop_integrations import paths
from desktop_integrations.__about__ import __version__
from desktop_integrations.ui.folders import no_file_manager
from desktop_integrations.ui.icons import app_icon

if TYPE_CHECKING:
    from desktop_integrations.ui.main_window import MainWindow


def _action(
    window: MainWindow,
    text: str,
    slot: Callable[[], object],
    *,
    icon: str | None = None,
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    tip: str = "",
) -> QAction:
    action = QAction(text, window)
    if icon:
        action.setIcon(app_icon(icon))
    if shortcut is not None:
        action.setShortcut(shortcut)
    action.setToolTip(tip or text.replace("&", "").rstrip("…"))
    action.setStatusTip(action.toolTip())
    action.triggered.connect(lambda _checked=False: slot())
    return action


def _transfer(window: MainWindow, export: bool) -> None:
    """File > Import… or File > Export…, imported when first chosen."""
    from desktop_integrations.ui import transfer_actions

    if export:
        transfer_actions.export_file(window)
    else:
        transfer_actions.import_file(window)


def build_actions(window: MainWindow) -> dict[str, QAction]:
    """Create the window's actions, menus and toolbar; return the actions by name."""
    keys = QKeySequence.StandardKey
    actions = {
        "new": _action(
            window,
            "&New Configuration…",
            window.focus_picker,
            icon="action-add",
            shortcut=keys.New,
            tip="Add a configuration: choose an integration",
        ),
        "edit": _action(
            window,
            "&Edit…\tEnter",
            window.edit_selected,
            icon="action-edit",
            tip="Edit the selected configuration",
        ),
        "duplicate": _action(
            window,
            "D&uplicate…",
            window.duplicate_selected,
            icon="action-duplicate",
            shortcut="Ctrl+D",
            tip="Copy the selected configuration",
        ),
        "fix": _action(
            window,
            "&Fix…",
            window.edit_selected,
            icon="action-edit",
            tip="Open the selected configuration with the settings that need attention marked",
        ),
        "toggle_enabled": _action(
            window,
            "Disa&ble\tSpace",
            window.toggle_selected_enabled,
            tip="Enable or disable the selected configuration",
        ),
        "delete": _action(
            window,
            "&Delete…",
            window.delete_selected,
            icon="action-delete",
            shortcut=keys.Delete,
            tip="Delete the selected configuration",
        ),
        "find": _action(
            window,
            "&Find",
            window.filter_edit.setFocus,
            shortcut=keys.Find,
            tip="Filter the configurations",
        ),
        "reload": _action(
            window,
            "&Reload",
            window.reload_all,
            icon="action-reload",
            shortcut=keys.Refresh,
            tip="Rescan plugins and re-read the database",
        ),
        "plugins": _action(
            window,
            "&Plugins",
            lambda: None,
            icon="action-plugins",
            tip="Show the plugins and their errors",
        ),
        "plugins_folder": _action(
            window, "Open Plugins &Folder", window.open_plugins_folder, icon="action-folder"
        ),
        "import": _action(
            window,
            "&Import…",
            lambda: _transfer(window, export=False),
            tip="Import configurations from an export file, with a preview",
        ),
        "export": _action(
            window,
            "&Export…",
            lambda: _transfer(window, export=True),
            tip="Export every configuration to a file (secrets left out)",
        ),
        "about": _action(window, "&About", window.show_about),
        "quit": _action(window, "&Quit", window.close, shortcut="Ctrl+Q"),
    }
    actions["edit"].setIconText("Edit")
    # Delete acts on the list only, so the key still deletes text in the filter boxes.
    actions["delete"].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    # The list's context menu offers what applies to the row under the pointer.
    window.configs_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    for key in ("fix", "edit", "duplicate", "toggle_enabled", "delete"):
        window.configs_view.addAction(actions[key])
    actions["plugins"].setCheckable(True)
    actions["plugins"].setEnabled(window.extension_manager is not None)
    menu_bar = window.menuBar()
    for title, names in (
        ("&File", ("new", None, "import", "export", None, "plugins_folder", None, "quit")),
        ("&Edit", ("fix", "edit", "duplicate", "toggle_enabled", "delete", None, "find")),
        ("&View", ("reload", "plugins")),
        ("&Help", ("about",)),
    ):
        menu = menu_bar.addMenu(title)
        for name in names:
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(actions[name])
    toolbar = QToolBar("Main toolbar", window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for name in ("new", "edit", "duplicate", "delete", "reload", "plugins"):
        toolbar.addAction(actions[name])
    window.addToolBar(toolbar)
    return actions


def open_plugins_folder(window: MainWindow) -> None:
    """File > Open Plugins Folder: show the user plugins folder in the file manager."""
    if window.plugins_page is not None:
        window.plugins_page.open_folder()
        return
    folder = paths.plugins_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        window.show_error(f"Cannot create the plugins folder {folder}: {e}")
        return
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        window.show_error(no_file_manager(folder))


def show_about(window: MainWindow) -> None:
    """Help > About: show the version and the folders in use."""
    manager = window.extension_manager
    folders = manager.plugin_dirs if manager else []
    plugins = "<br>".join(str(f) for f in folders) or str(paths.plugins_dir())
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.about(
        window,
        "About desktop-integrations",
        f"<h3>desktop-integrations {__version__}</h3>"
        "<p>Manage integrations with third-party services.</p>"
        f"<p><b>Database:</b><br>{window.manager.store.location}</p>"
        f"<p><b>Plugins folder:</b><br>{plugins}</p>",
    )
