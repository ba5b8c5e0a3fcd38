"""StoreStatus: brings a live store's news to the window, and shows its connection.

A store on a server (PostgreSQL) reports other desktops' changes and its
connection state from its own thread; Qt signals carry them to the window's
thread, where the lists reload (keeping the selection) and the status bar's
label says whether the team database is reachable.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QWidget

from desktop_integrations.manager import IntegrationManager
from desktop_integrations.signals import configs_changed, store_connection_changed


class StoreStatus(QLabel):
    """A status-bar label for the store's connection, and the source of live reloads.

    Shown only for a live store; an SQLite file has no connection to lose.

    Args:
        manager: The manager whose store to follow.
        parent: The owning widget.
    """

    #: Emitted in the widget's thread after another process changed configurations.
    configsChanged = Signal()
    _connectionChanged = Signal(bool, str)

    def __init__(self, manager: IntegrationManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self.store = manager.store
        self.setAccessibleName("Database connection")
        self._connectionChanged.connect(self._show)
        configs_changed.connect(self._on_configs_changed, sender=manager)
        store_connection_changed.connect(self._on_connection_changed, sender=self.store)
        status = getattr(self.store, "status", None)
        self._show(bool(getattr(self.store, "connected", True)), status() if status else "")
        self.setVisible(self.store.live)

    def disconnect_signals(self) -> None:
        """Stop following the store."""
        configs_changed.disconnect(self._on_configs_changed, sender=self.manager)
        store_connection_changed.disconnect(self._on_connection_changed, sender=self.store)

    def _on_configs_changed(self, _sender: Any, **_kwargs: Any) -> None:
        self.configsChanged.emit()

    def _on_connection_changed(self, _sender: Any, connected: bool, message: str) -> None:
        self._connectionChanged.emit(connected, message)

    def _show(self, connected: bool, message: str) -> None:
        # The style first: the bold text's width is what the status bar must make room for.
        self.setStyleSheet("" if connected else "color: #b3261e; font-weight: bold;")
        self.setText("● Connected" if connected else "● Not connected: edits are refused")
        self.setToolTip(message)
        self.updateGeometry()
