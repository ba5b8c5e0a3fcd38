"""PluginsPage: the loaded extensions, their switches, and what failed to load."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_integrations.errors import IntegrationError
from desktop_integrations.extensions.discovery import printable
from desktop_integrations.extensions.load_error import LoadError
from desktop_integrations.extensions.manager import ExtensionManager
from desktop_integrations.ui.folders import no_file_manager

logger = logging.getLogger(__name__)

_ID_ROLE = Qt.ItemDataRole.UserRole


def _cause(error: LoadError) -> str:
    """The message without the plugin's name and path, which the report shows apart."""
    prefix = f"Plugin {error.plugin!r} ({printable(error.path)}) "
    return error.message.removeprefix(prefix) if error.path is not None else error.message


def summary(error: LoadError) -> str:
    """One line for the list of problems: where it failed first, then what."""
    where = error.location() or error.plugin
    return f"{where}: {_cause(error).splitlines()[0]}"


def report(error: LoadError) -> str:
    """The details of a problem: where, the message, and the traceback from the plugin's frame."""
    lines = [error.location() or error.plugin, error.message]
    traceback = error.plugin_traceback().rstrip()
    return "\n".join(lines) + (f"\n\n{traceback}" if traceback else "")


class PluginsPage(QWidget):
    """Lists each extension (name, version, plugin, enabled switch) and each load error.

    Selecting an error shows where in the plugin it failed (``broken.py, line
    4``), its message and the traceback from the plugin's own frame on,
    selectable and copyable (Copy Details copies the whole traceback); Reload
    retries that plugin, probing it again, and Try Again loads one that
    crashed the app.

    Attributes:
        extensions_list: One row per loaded extension; the check box enables it.
        errors_list: One row per plugin that failed.
        details: The selected error's message and traceback.
    """

    #: Emitted with a message when enabling, disabling or reloading failed.
    errorOccurred = Signal(str)

    def __init__(self, extension_manager: ExtensionManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.extension_manager = extension_manager
        self.extensions_list = QTreeWidget(self)
        self.extensions_list.setAccessibleName("Extensions")
        self.extensions_list.setHeaderLabels(["Extension", "Version", "Plugin", "Status"])
        self.extensions_list.setRootIsDecorated(False)
        self.extensions_list.itemChanged.connect(self._on_item_changed)
        self.errors_list = QListWidget(self)
        self.errors_list.setAccessibleName("Plugins that failed to load")
        self.errors_list.currentItemChanged.connect(self._show_details)
        # One line each, cut at the edge; the details below wrap the whole message.
        self.errors_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.errors_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Error details")
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.reload_button = QPushButton("Reload Plugin", self)
        self.reload_button.setToolTip("Load the selected plugin again")
        self.reload_button.clicked.connect(self.reload_selected)
        copy = QPushButton("Copy Details", self)
        copy.clicked.connect(self._copy_details)
        rescan = QPushButton("Rescan Folders", self)
        rescan.clicked.connect(self.rescan)
        open_folder = QPushButton("Open Plugins Folder", self)
        open_folder.clicked.connect(self.open_folder)
        self.errors_label = QLabel("<b>Problems</b>", self)
        errors_pane = QWidget(self)
        errors_layout = QVBoxLayout(errors_pane)
        errors_layout.setContentsMargins(0, 0, 0, 0)
        errors_layout.addWidget(self.errors_label)
        errors_layout.addWidget(self.errors_list, 1)
        errors_layout.addWidget(self.details, 2)
        buttons = QHBoxLayout()
        for button in (self.reload_button, copy):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(rescan)
        buttons.addWidget(open_folder)
        errors_layout.addLayout(buttons)
        splitter = QSplitter(self)
        splitter.addWidget(self.extensions_list)
        splitter.addWidget(errors_pane)
        splitter.setSizes([420, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.reload()

    def reload(self) -> None:
        """Show the extensions and load errors as they are now."""
        store = self.extension_manager.integration_manager.store
        self.extensions_list.blockSignals(True)
        self.extensions_list.clear()
        # While the window's plugins load (in the background), those imported so
        # far: importing the others here would freeze it. It reloads once they are in.
        loading = bool(self.extension_manager.pending)
        for cls in self.extension_manager.get_extensions(import_all=not loading):
            wanted = store.extension_enabled(cls.id) is not False
            running = cls.instance is not None
            status = "Running" if running else "Disabled" if not wanted else "Failed to start"
            item = QTreeWidgetItem([cls.name or cls.id, cls.version, cls.plugin_name, status])
            item.setData(0, _ID_ROLE, cls.id)
            item.setToolTip(0, cls.description or cls.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
            self.extensions_list.addTopLevelItem(item)
        for column in range(self.extensions_list.columnCount()):
            self.extensions_list.resizeColumnToContents(column)
        self.extensions_list.blockSignals(False)
        self.errors_list.clear()
        self.details.clear()
        for name, error in sorted(self.extension_manager.get_load_errors().items()):
            error_item = QListWidgetItem(summary(error), self.errors_list)
            error_item.setData(_ID_ROLE, name)
            error_item.setToolTip(error.message)
        has_errors = self.errors_list.count() > 0
        self.errors_label.setText(
            f"<b>Problems ({self.errors_list.count()})</b>" if has_errors else "<b>No problems</b>"
        )
        self.reload_button.setEnabled(has_errors)
        if has_errors:
            self.errors_list.setCurrentRow(0)

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column != 0:
            return
        extension_id = str(item.data(0, _ID_ROLE))
        enabled = item.checkState(0) == Qt.CheckState.Checked
        # The list is rebuilt afterwards: not from inside its own signal.
        QTimer.singleShot(0, lambda: self.set_extension_enabled(extension_id, enabled))

    def set_extension_enabled(self, extension_id: str, enabled: bool) -> None:
        """Enable or disable an extension, remembering the choice."""
        try:
            if enabled:
                self.extension_manager.enable_extension(extension_id)
            else:
                self.extension_manager.disable_extension(extension_id)
        except IntegrationError as e:
            self.errorOccurred.emit(f"Could not change the extension {extension_id!r}: {e}")
        self.reload()

    def _selected_error(self) -> LoadError | None:
        item = self.errors_list.currentItem()
        if item is None:
            return None
        return self.extension_manager.get_load_errors().get(str(item.data(_ID_ROLE)))

    def _show_details(self, item: QListWidgetItem | None) -> None:
        error = self._selected_error() if item is not None else None
        self.details.setPlainText(report(error) if error is not None else "")
        crashed = error is not None and error.crashed
        self.reload_button.setText("Try Again" if crashed else "Reload Plugin")
        self.reload_button.setToolTip(
            "Load the plugin that crashed the app once more"
            if crashed
            else "Load the selected plugin again"
        )

    def _copy_details(self) -> None:
        error = self._selected_error()
        if error is not None:
            text = f"{error.location()}\n{error.message}\n\n{error.traceback}".strip()
            QApplication.clipboard().setText(text)

    def reload_selected(self) -> None:
        """Load the plugin of the selected error again."""
        item = self.errors_list.currentItem()
        if item is None:
            return
        try:
            self.extension_manager.reload_plugin(str(item.data(_ID_ROLE)))
        except IntegrationError as e:
            self.errorOccurred.emit(str(e))
        self.reload()

    def open_folder(self) -> None:
        """Show the first plugins folder in the file manager, creating it if needed."""
        folder = (
            self.extension_manager.plugin_dirs[0] if self.extension_manager.plugin_dirs else None
        )
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            self.errorOccurred.emit(f"Cannot create the plugins folder {folder}: {e}")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.errorOccurred.emit(no_file_manager(folder))

    def rescan(self) -> None:
        """Look for new, changed and removed plugins now."""
        self.extension_manager.rescan()
        self.reload()
