"""ConfigsModel: every stored configuration, as rows of a table, fast with many thousands."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QApplication

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.errors import IntegrationError
from desktop_integrations.manager import IntegrationManager
from desktop_integrations.signals import config_deleted, config_saved
from desktop_integrations.ui.config_rows import (
    ROW_ENABLED,
    ROW_FOLDED,
    ROW_ID,
    ROW_INTEGRATION,
    ROW_NAME,
    IntegrationKey,
    Reloaded,
    Row,
    read_rows,
    row_tooltip,
    sort_rows,
)
from desktop_integrations.ui.icons import fallback_icon, integration_icon
from desktop_integrations.ui.row_changes import INTEGRATION, NAME, STATUS, RowChanges, SortKey

if TYPE_CHECKING:
    from desktop_integrations.declared import DeclaredIntegration
    from desktop_integrations.integration import Integration

__all__ = [
    "BACKGROUND_ROWS",
    "HEADERS",
    "INTEGRATION",
    "LOADING",
    "NAME",
    "STATUS",
    "ConfigRole",
    "ConfigsModel",
    "ProblemsRole",
]

Index = QModelIndex | QPersistentModelIndex
ROLE = Qt.ItemDataRole
#: The :class:`IntegrationConfig` of a row.
ConfigRole = ROLE.UserRole + 1
#: The problems of a row's stored settings, as a list of messages (empty: none).
ProblemsRole = ROLE.UserRole + 2

HEADERS = ("Name", "Integration", "Status")
LOADING = "Loading…"
#: From this many rows on, :meth:`ConfigsModel.reload` reads in a worker thread.
BACKGROUND_ROWS = 20_000


class ConfigsModel(RowChanges):
    """Every configuration, sorted by integration name then configuration name.

    Rows are read in one query; a configuration object is fetched from the
    manager only when a row is edited, toggled or checked for problems (the
    check runs when the row is first painted). Configurations of
    unregistered integrations stay listed, marked unavailable, except while
    the plugins are still loading (see :meth:`set_loading`). The filter
    (:meth:`set_filter`) is applied here, over names casefolded once. The
    model follows the core's ``config_saved`` and ``config_deleted`` signals
    until :meth:`disconnect_signals`.

    Args:
        manager: The manager whose configurations to list.
    """

    #: Emitted with a message when toggling a configuration failed.
    errorOccurred = Signal(str)
    #: Emitted once a reload read in a worker thread is shown.
    reloaded = Signal()
    _reloaded = Signal(int, object)

    def __init__(self, manager: IntegrationManager, parent: QObject | None = None) -> None:
        super().__init__(manager, parent)
        self.loading = False
        self._filter = ""
        self._keys: dict[str, IntegrationKey] = {}
        self._icons: dict[str, QIcon] = {}
        self._seen_names: dict[str, str] = {
            integration.id: integration.name for integration in manager.get_integrations()
        }
        self._reloads = 0
        self._reloaded.connect(self._show_reloaded)
        config_saved.connect(self._on_saved, sender=manager)
        config_deleted.connect(self._on_deleted, sender=manager)
        self.reload()

    def disconnect_signals(self) -> None:
        """Stop following the core's signals."""
        config_saved.disconnect(self._on_saved, sender=self.manager)
        config_deleted.disconnect(self._on_deleted, sender=self.manager)
        self._timer.stop()

    # Rows ----------------------------------------------------------------

    def _listed(self, integration_id: str) -> Integration | DeclaredIntegration | None:
        """The registered integration, or the one a manifest declares until it is imported."""
        return self.manager.find_integration(integration_id) or self.manager.find_declared(
            integration_id
        )

    def _integration_name(self, integration_id: str) -> str:
        integration = self._listed(integration_id)
        if integration is not None:
            self._seen_names[integration_id] = integration.name
            return integration.name
        if self.loading:
            return LOADING
        # Removed or broken since it was seen: still known by its name; Status
        # says that it is unavailable. Never seen: known only by its ID.
        return self._seen_names.get(integration_id, integration_id)

    def integration_label(self, integration_id: str) -> str:
        """Return how the list names an integration: its name when known, else its ID."""
        return self._integration_name(integration_id)

    def _key_name(self, integration_id: str) -> str:
        """The name an integration's rows sort by (any thread)."""
        integration = self._listed(integration_id)
        return integration.name if integration is not None else integration_id

    def _integration_key(self, integration_id: str) -> IntegrationKey:
        key = self._keys.get(integration_id)
        if key is None:
            key = self._keys[integration_id] = (
                self._key_name(integration_id).casefold(),
                integration_id,
            )
        return key

    def _sort_key(self, row: Row) -> SortKey:
        return (self._integration_key(row[ROW_INTEGRATION]), row[ROW_FOLDED], row[ROW_ID])

    def reload(self) -> None:
        """Read every configuration from the database again.

        A long list (:data:`BACKGROUND_ROWS` rows or more) is read in a worker
        thread and shown when it is ready, so that the window never waits for
        the database; saves noted meanwhile are applied again on top. Views
        keep their selection: see :class:`~desktop_integrations.ui.configs_pane.ConfigsPane`.
        """
        with self._lock:
            self._pending.clear()
            self._deleted.clear()
            self._reloads += 1
            token = self._reloads
            background = len(self._rows) >= BACKGROUND_ROWS
            self._replay = {} if background else None
        if not background:
            self._show_reloaded(token, read_rows(self.manager, self._key_name))
            return

        def read() -> None:
            try:
                result: Reloaded | str = read_rows(self.manager, self._key_name)
            except IntegrationError as e:
                result = f"Could not read the configurations again: {e}"
            self._reloaded.emit(token, result)

        threading.Thread(target=read, name="configs-reload", daemon=True).start()

    def _show_reloaded(self, token: int, result: Reloaded | str) -> None:
        with self._lock:
            if token != self._reloads:
                return  # a newer reload is on its way
            replay, self._replay = self._replay, None
            if replay:
                self._pending.update(replay)
                self._deleted += self._replay_deleted
            self._replay_deleted = []
        if isinstance(result, str):
            self.errorOccurred.emit(result)
        else:
            rows, by_id, keys = result
            self.beginResetModel()
            self._icons.clear()
            self._problems.clear()
            self._keys = keys
            self._rows, self._by_id = rows, by_id
            self._shown = self._matching(rows)
            self.endResetModel()
        if replay:
            self.apply_pending()
        self.reloaded.emit()

    def show_integration_changes(self) -> None:
        """Show what registering or removing integrations changed, without reading rows again.

        The configurations are the same; their integrations' names (so their
        order), icons, status and stored settings' problems may not be.
        """
        if self.reloading:
            self.reload()  # what is being read was sorted by the names from before
            return
        keys = {key: (self._key_name(key).casefold(), key) for key in self._keys}
        self._icons.clear()
        self._problems.clear()
        if keys != self._keys or self._filter:
            # A filter also matches integration names, which may have changed.
            self.beginResetModel()
            if keys != self._keys:
                self._keys = keys
                self._rows = sort_rows(list(self._rows), keys.__getitem__)
            self._shown = self._matching(self._rows)
            self.endResetModel()
        elif self._shown:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._shown) - 1, STATUS))

    def set_loading(self, loading: bool) -> None:
        """Say whether plugins are still loading: rows then say so instead of "Unavailable".

        Rows are sorted again on the next :meth:`reload`, which follows loading.
        """
        if loading != self.loading:
            self.loading = loading
            self._icons.clear()
            if self._shown:
                last = self.index(len(self._shown) - 1, STATUS)
                self.dataChanged.emit(self.index(0, 0), last)

    def set_filter(self, text: str) -> None:
        """Show only the rows whose configuration or integration name contains ``text``."""
        folded = text.casefold()
        if folded == self._filter:
            return
        self.beginResetModel()
        self._filter = folded
        self._shown = self._matching(self._rows)
        self.endResetModel()

    def _matching(self, rows: list[Row]) -> list[Row]:
        text = self._filter
        if not text:
            return rows
        # Every listed integration has a sort key; while loading, names are unknown.
        named = {
            integration_id
            for integration_id in self._keys
            if (self._listed(integration_id) is not None or not self.loading)
            and text in self._integration_name(integration_id).casefold()
        }
        if not named:
            return [row for row in rows if text in row[ROW_FOLDED]]
        return [row for row in rows if text in row[ROW_FOLDED] or row[ROW_INTEGRATION] in named]

    def total_count(self) -> int:
        """Return the number of configurations, filtered out or not."""
        return len(self._rows)

    def has_config(self, config_id: int) -> bool:
        """Return whether the configuration with this ID is listed (shown or filtered out)."""
        return config_id in self._by_id

    def config_id_at(self, row: int) -> int:
        """Return the database ID of the configuration shown in ``row``."""
        return self._shown[row][ROW_ID]

    def integration_id_at(self, row: int) -> str:
        """Return the integration ID of the configuration shown in ``row``."""
        return self._shown[row][ROW_INTEGRATION]

    def row_of(self, config: IntegrationConfig) -> int:
        """Return the row showing ``config`` (matched by ID), or -1."""
        return -1 if config.id is None else self.row_of_id(config.id)

    def row_of_id(self, config_id: int) -> int:
        """Return the row showing the configuration with this database ID, or -1."""
        row = self._by_id.get(config_id)
        return -1 if row is None else self._position(self._shown, row)

    # Qt model interface --------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Return the number of configurations shown."""
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Return the number of columns."""
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = ROLE.DisplayRole
    ) -> Any:
        """Return the column titles."""
        if orientation == Qt.Orientation.Horizontal and role == ROLE.DisplayRole:
            return HEADERS[section]
        return None

    def _available(self, row: Row) -> bool:
        return self._listed(row[ROW_INTEGRATION]) is not None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Rows are selectable; the Status column of an available row is checkable."""
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == STATUS and self._available(self._shown[index.row()]):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def _icon(self, integration_id: str) -> QIcon | None:
        icon = self._icons.get(integration_id)
        if icon is None:
            integration = self._listed(integration_id)
            if integration is not None:
                icon = integration_icon(integration)
            elif self.loading:
                return None
            else:
                icon = fallback_icon(integration_id, integration_id.rpartition(".")[2])
            self._icons[integration_id] = icon
        return icon

    def data(self, index: Index, role: int = ROLE.DisplayRole) -> Any:
        """Return what a view shows for a cell."""
        row = self._shown[index.row()]
        column = index.column()
        if role == ROLE.DisplayRole:
            if column == NAME:
                return row[ROW_NAME]
            if column == INTEGRATION:
                return self._integration_name(row[ROW_INTEGRATION])
            if not self.loading and not self._available(row):
                return "Unavailable"
            return "Enabled" if row[ROW_ENABLED] else "Disabled"
        return self._other_data(index.row(), row, column, role)

    def _other_data(self, number: int, row: Row, column: int, role: int) -> Any:
        if role == ROLE.DecorationRole:
            if column == NAME:
                return self._icon(row[ROW_INTEGRATION])
            if column == STATUS and self.problems(number):
                from PySide6.QtWidgets import QStyle  # its enums cost start-up time

                style = QApplication.style()
                return style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        elif role == ROLE.CheckStateRole and column == STATUS and self._available(row):
            return Qt.CheckState.Checked if row[ROW_ENABLED] else Qt.CheckState.Unchecked
        elif role == ROLE.ForegroundRole and (
            not row[ROW_ENABLED] or (not self.loading and not self._available(row))
        ):
            return QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        elif role == ROLE.ToolTipRole:
            name = self._integration_name(row[ROW_INTEGRATION])
            available = self._available(row)
            return row_tooltip(row, name, available, self.loading, lambda: self.problems(number))
        elif role == ConfigRole:
            return self.config_at(number)
        elif role == ProblemsRole:
            return self.problems(number)
        return None

    def setData(self, index: Index, value: Any, role: int = ROLE.EditRole) -> bool:
        """Enable or disable a configuration from its Status check box, and save it."""
        if role != ROLE.CheckStateRole or index.column() != STATUS:
            return False
        config = self.config_at(index.row())
        if config is None:
            return False
        enabled = Qt.CheckState(value) == Qt.CheckState.Checked
        if enabled == config.enabled:
            return False
        config.enabled = enabled
        try:
            config.save()
        except IntegrationError as e:
            config.enabled = not enabled
            self.errorOccurred.emit(f"Could not {'enable' if enabled else 'disable'} {config}: {e}")
            return False
        return True
