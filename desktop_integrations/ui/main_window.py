"""MainWindow: the integrations to add, the configurations, and the plugins."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.errors import IntegrationError
from desktop_integrations.extensions.manager import ExtensionManager
from desktop_integrations.manager import IntegrationManager
from desktop_integrations.signals import extensions_changed
from desktop_integrations.ui import config_actions
from desktop_integrations.ui.banner import Banner
from desktop_integrations.ui.configs_pane import ConfigsPane
from desktop_integrations.ui.icons import app_icon
from desktop_integrations.ui.integration_picker import IntegrationPicker
from desktop_integrations.ui.main_menus import build_actions, open_plugins_folder, show_about
from desktop_integrations.ui.plugin_watcher import PluginWatcher
from desktop_integrations.ui.settings import restore_window, save_window
from desktop_integrations.ui.store_status import StoreStatus
from desktop_integrations.ui.window_notices import show_plugin_problems, show_recovery

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QPaintEvent

    from desktop_integrations.integration import Integration
    from desktop_integrations.ui.config_dialog import ConfigDialog
    from desktop_integrations.ui.plugins_page import PluginsPage
    from desktop_integrations.url_formats import ParsedUrl

logger = logging.getLogger(__name__)

#: How long registering plugins imported in the background may hold the event loop per turn.
IMPORT_BATCH_SECONDS = 0.012


class MainWindow(QMainWindow):
    """The app's window: an integration picker, the configurations, and plugins.

    Args:
        manager: The integration manager (registry and configurations).
        extension_manager: The plugin loader; None shows no Plugins page.

    Attributes:
        integrations_view: The list of registered integrations to add.
        configs_view: The configurations (one row each).
        banner: Messages such as a recovered database or a failed save.
    """

    _extensionsChanged = Signal()
    #: Emitted from the plugin-import thread when imported plugins wait to be registered.
    _importsReady = Signal()
    #: Emitted once the plugins started with the window are imported (see load_plugins).
    pluginsLoaded = Signal()

    def __init__(
        self,
        manager: IntegrationManager,
        extension_manager: ExtensionManager | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.manager = manager
        self.extension_manager = extension_manager
        self._closed = False
        self._load_on_paint = False
        self._importing = False
        self.setWindowTitle("Integrations")
        self.setWindowIcon(app_icon("app"))
        self.banner = Banner(self, closable=True)
        self.plugins_banner = Banner(self, closable=True)
        self.plugins_banner.setAccessibleName("Plugin problems")
        self.picker = IntegrationPicker(manager, self)
        self.picker.integrationChosen.connect(self.add_config)
        self.picker.urlParsed.connect(self.add_config_from_url)
        self.integrations_view = self.picker.view
        self._build_configs()
        splitter = QSplitter(self)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.picker)
        splitter.addWidget(self.configs_pane)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 620])
        self._splitter = splitter
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(self.plugins_banner)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.actions_by_name = build_actions(self)
        self._plugins_page: PluginsPage | None = None
        self.plugin_watcher: PluginWatcher | None = None
        if extension_manager is not None:
            self._build_plugins(extension_manager)
        self.store_status = StoreStatus(manager, self)
        self.store_status.configsChanged.connect(self._on_live_change)
        self.statusBar().addPermanentWidget(self.store_status)
        self._update_actions()
        self._show_count(self.configs_model.rowCount())
        show_recovery(self)
        show_plugin_problems(self)
        restore_window(self, self._splitter)

    # Building ------------------------------------------------------------

    def _build_configs(self) -> None:
        self.configs_pane = ConfigsPane(self.manager, self)
        self.configs_pane.countChanged.connect(self._show_count)
        self.configs_model = self.configs_pane.model
        self.configs_model.errorOccurred.connect(self.show_error)
        self.configs_view = self.configs_pane.view
        self.filter_edit = self.configs_pane.filter_edit
        self.empty_label = self.configs_pane.empty_label
        self.configs_view.activated.connect(self._on_activated)
        self.configs_view.selectionModel().selectionChanged.connect(self._update_actions)
        self.configs_pane.toggled.connect(self._update_actions)
        self.configs_model.dataChanged.connect(self._update_actions)

    def _build_plugins(self, extension_manager: ExtensionManager) -> None:
        dock = QDockWidget("Plugins", self)
        dock.setObjectName("pluginsDock")
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        dock.hide()
        self.plugins_dock = dock
        self.actions_by_name["plugins"].setChecked(False)
        self.actions_by_name["plugins"].toggled.connect(self._show_plugins)
        dock.visibilityChanged.connect(self._on_dock_visibility)
        self.plugin_watcher = PluginWatcher(extension_manager, self)
        self._extensionsChanged.connect(self._on_plugins_changed)
        self._importsReady.connect(self._finish_imports, Qt.ConnectionType.QueuedConnection)
        # Queued: a reload that registering plugins starts must not re-enter it.
        self.configs_model.reloaded.connect(
            self._finish_imports, Qt.ConnectionType.QueuedConnection
        )
        extensions_changed.connect(self._on_extensions_changed, sender=extension_manager)

    @property
    def plugins_page(self) -> PluginsPage | None:
        """The Plugins page, built when first shown or asked for; None without plugins."""
        if self._plugins_page is None and self.extension_manager is not None:
            # Imported and built here: the page is hidden when the window opens.
            from desktop_integrations.ui.plugins_page import PluginsPage

            page = PluginsPage(self.extension_manager, self)
            page.errorOccurred.connect(self.show_error)
            self.plugins_dock.setWidget(page)
            self._plugins_page = page
        return self._plugins_page

    def _on_dock_visibility(self, visible: bool) -> None:
        if visible:
            _ = self.plugins_page
        self.actions_by_name["plugins"].setChecked(visible)
        show_plugin_problems(self)

    def _show_plugins(self, visible: bool) -> None:
        self.plugins_dock.setVisible(visible)
        if visible:
            # Leave the lists above most of the height.
            self.resizeDocks(
                [self.plugins_dock], [max(200, self.height() // 3)], Qt.Orientation.Vertical
            )

    def load_plugins_after_first_paint(self) -> None:
        """List the configurations now; import the plugins once the window is first painted.

        Integrations that plugins declare in a manifest are listed at once
        (call the extension manager's ``discover()`` before building the
        window). Importing plugins is the slowest part of starting; until the
        plugins without a manifest are imported, rows whose integration is not
        known yet say that it is loading (not that it is unavailable), and so
        does the picker.
        """
        if self.extension_manager is None:
            return
        self._load_on_paint = True
        self.extension_manager.discover()
        if not self.extension_manager.listing_complete:
            self.configs_model.set_loading(True)
            self.picker.set_loading(True)
            self.statusBar().showMessage("Loading plugins…")

    def load_plugins(self) -> None:
        """Import the plugins that are needed on a worker thread; register them here.

        Those are the plugins without a manifest, and those with an enabled
        configuration; the others are imported when their integration is
        chosen. Their modules' code runs on the worker, so the window keeps
        painting and answering; they are registered (their ``initialize()``
        runs) on this thread, a few milliseconds' worth per turn of the event
        loop, and their ``extensions_changed`` refreshes the lists.
        """
        self._load_on_paint = False
        if self.extension_manager is None or self._closed or self._importing:
            return
        self._importing = True
        if not self.extension_manager.import_in_background(self._importsReady.emit):
            self._imports_done()

    def _finish_imports(self) -> None:
        if self.extension_manager is None or self._closed or not self._importing:
            return
        if self.configs_model.reloading:
            # Registering queries the store, which the reload holds while it
            # reads: go on once the list is shown (``reloaded``).
            return
        if not self.extension_manager.finish_imports(IMPORT_BATCH_SECONDS):
            self._imports_done()

    def _imports_done(self) -> None:
        self._importing = False
        if self.configs_model.loading:
            self._on_plugins_changed()
        self.pluginsLoaded.emit()

    def _on_plugins_changed(self) -> None:
        if (
            self.configs_model.loading
            and self.extension_manager is not None
            and self.extension_manager.listing_complete
        ):
            self.configs_model.set_loading(False)
            self.picker.set_loading(False)
        self.refresh(rows=False)
        if not self.configs_model.loading:
            self._show_count(self.configs_model.total_count())

    def paintEvent(self, event: QPaintEvent) -> None:
        """Start loading the plugins once the first paint has drawn the window."""
        super().paintEvent(event)
        if self._load_on_paint:
            self._load_on_paint = False
            # Queued: it runs after this paint pass has drawn every child widget.
            QTimer.singleShot(0, self.load_plugins)

    def _on_extensions_changed(self, _sender: Any, **_kwargs: Any) -> None:
        self._extensionsChanged.emit()

    # Messages and state --------------------------------------------------

    def show_error(self, message: str) -> None:
        """Show ``message`` in the banner as an error."""
        self.banner.show_message(message, "error")

    def _show_count(self, count: int) -> None:
        self.statusBar().showMessage(f"{count} configuration{'' if count == 1 else 's'}")

    def selected_config(self) -> IntegrationConfig | None:
        """Return the selected configuration, or None."""
        return self.configs_pane.selected_config()

    def select_config(self, config: IntegrationConfig) -> None:
        """Select ``config``'s row and scroll to it."""
        self.configs_pane.select_config(config)

    def _update_actions(self) -> None:
        config_actions.update_actions(self)

    def refresh(self, rows: bool = True) -> None:
        """Show the registered integrations and stored configurations again.

        Args:
            rows: Read the configurations again; without, only what the
                integrations change in them is shown (after plugins changed).
        """
        show_plugin_problems(self)
        self.picker.reload()
        if rows:
            self.configs_model.reload()
        else:
            self.configs_model.show_integration_changes()
        if self._plugins_page is not None:
            self._plugins_page.reload()
        self._update_actions()

    def check_for_changes(self) -> None:
        """Pick up configurations another program changed in the database."""
        try:
            expired = self.manager.check_expired()
        except IntegrationError as e:
            self.show_error(f"Could not check the database for changes: {e}")
            return
        if expired:
            self.configs_model.reload()
            self._update_actions()

    def _on_live_change(self) -> None:
        if self._closed:  # queued before the window closed; the store may be closed too
            return
        # The manager already read the changes another desktop made.
        self.configs_model.reload()
        self._update_actions()

    def reload_all(self) -> None:
        """Rescan the plugins folders and re-read the database."""
        if self.extension_manager is not None:
            self.extension_manager.rescan()
        self.manager.clear_all_configs_cache()
        self.refresh()

    # Configuration actions -------------------------------------------------

    def open_config_dialog(
        self, integration: Integration, config: IntegrationConfig | None = None
    ) -> ConfigDialog:
        """Open the add/edit dialog (window-modal, not blocking) and return it."""
        return config_actions.open_dialog(self, integration, config)

    def add_config(self, integration: Integration) -> ConfigDialog:
        """Open the dialog that adds a configuration of ``integration``."""
        return self.open_config_dialog(integration)

    def add_config_from_url(self, parsed: ParsedUrl) -> ConfigDialog:
        """Open the dialog that adds a configuration, filled in from a pasted URL."""
        from desktop_integrations.ui.url_actions import fill_dialog

        dialog = self.add_config(parsed.integration)
        fill_dialog(dialog, parsed.data)
        return dialog

    def focus_picker(self) -> None:
        """Move to the integration picker to start adding a configuration."""
        self.picker.filter_edit.setFocus()
        self.picker.filter_edit.selectAll()
        self.statusBar().showMessage("Choose an integration and press Enter.", 5000)

    def _on_activated(self, index: QModelIndex) -> None:
        self.edit_selected()

    def _usable_selection(self) -> tuple[IntegrationConfig, Integration] | None:
        return config_actions.usable_selection(self)

    def edit_selected(self) -> ConfigDialog | None:
        """Open the selected configuration's dialog; return it."""
        selection = self._usable_selection()
        return self.open_config_dialog(selection[1], selection[0]) if selection else None

    def duplicate_selected(self) -> ConfigDialog | None:
        """Open the dialog of an unsaved copy of the selected configuration; return it."""
        selection = self._usable_selection()
        if selection is None:
            return None
        config, integration = selection
        return self.open_config_dialog(integration, config.copy(f"{config.name} (copy)"))

    def toggle_selected_enabled(self) -> bool:
        """Enable the selected configuration if disabled, else disable it; return if saved."""
        saved = self.configs_pane.toggle_selected()
        self._update_actions()
        return saved

    def delete_selected(self) -> bool:
        """Delete the selected configuration after asking; return whether it was deleted."""
        config = self.selected_config()
        return config is not None and config_actions.delete_config(self, config)

    def open_plugins_folder(self) -> None:
        """Show the user plugins folder in the file manager."""
        open_plugins_folder(self)

    def show_about(self) -> None:
        """Show the version and the folders in use."""
        show_about(self)

    # Window events -------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        """Re-read the database when the window is activated (another program may have saved)."""
        if (
            event.type() == QEvent.Type.ActivationChange
            and self.isActiveWindow()
            and not self._closed
        ):
            self.check_for_changes()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Keep the geometry, and stop following the core's signals."""
        self._closed = True
        save_window(self, self._splitter)
        self.configs_model.disconnect_signals()
        self.store_status.disconnect_signals()
        if self.extension_manager is not None and self.plugin_watcher is not None:
            extensions_changed.disconnect(
                self._on_extensions_changed, sender=self.extension_manager
            )
            self.plugin_watcher.stop()
            self.plugin_watcher = None
        super().closeEvent(event)
