"""ConfigsModel: every stored configuration, as rows of a table, fast with many thousands."""

from __future__ import annotations

import bisect
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
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
    check_config,
    merge_rows,
    position_of,
    read_rows,
    row_of,
)
from desktop_integrations.ui.icons import fallback_icon, integration_icon

if TYPE_CHECKING:
    from desktop_integrations.declared import DeclaredIntegration
    from desktop_integrations.integration import Integration

Index = QModelIndex | QPersistentModelIndex
ROLE = Qt.ItemDataRole
#: The :class:`IntegrationConfig` of a row.
ConfigRole = ROLE.UserRole + 1
#: The problems of a row's stored settings, as a list of messages (empty: none).
ProblemsRole = ROLE.UserRole + 2

NAME, INTEGRATION, STATUS = range(3)
HEADERS = ("Name", "Integration", "Status")
LOADING = "Loading…"
#: Up to this many changes in one burst are applied row by row; more, in one reset.
ROW_BY_ROW = 32
#: How long changes from other threads are gathered before the list shows them (ms).
GATHER_MS = 25
#: From this many rows on, :meth:`ConfigsModel.reload` reads in a worker thread.
BACKGROUND_ROWS = 20_000


class ConfigsModel(QAbstractTableModel):
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
    _changesWaiting = Signal()
    _reloaded = Signal(int, object)

    def __init__(self, manager: IntegrationManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self.loading = False
        self._rows: list[Row] = []
        self._shown: list[Row] = []
        self._by_id: dict[int, Row] = {}
        self._filter = ""
        self._keys: dict[str, IntegrationKey] = {}
        self._icons: dict[str, QIcon] = {}
        self._seen_names: dict[str, str] = {
            integration.id: integration.name for integration in manager.get_integrations()
        }
        self._problems: dict[int, list[str]] = {}
        # Saves and deletes arrive from any thread; they wait here (ID -> new
        # row, None: deleted) until the model's thread applies them in one go.
        # A deleted configuration has lost its ID: it waits in _deleted, and
        # the None key says that there is one.
        self._pending: dict[int | None, Row | None] = {}
        self._deleted: list[IntegrationConfig] = []
        # While a long list is read again in the background, the changes noted
        # meanwhile are kept here too, to apply again on top of what was read.
        self._reloads = 0
        self._replay: dict[int | None, Row | None] | None = None
        self._replay_deleted: list[IntegrationConfig] = []
        self._reloaded.connect(self._show_reloaded)
        self._lock = threading.Lock()
        self._thread = threading.get_ident()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GATHER_MS)
        self._timer.timeout.connect(self.apply_pending)
        self._changesWaiting.connect(self._timer.start)
        config_saved.connect(self._on_saved, sender=manager)
        config_deleted.connect(self._on_deleted, sender=manager)
        self.reload()

    def disconnect_signals(self) -> None:
        """Stop following the core's signals."""
        config_saved.disconnect(self._on_saved, sender=self.manager)
        config_deleted.disconnect(self._on_deleted, sender=self.manager)
        self._timer.stop()

    def _on_saved(self, _sender: Any, config: IntegrationConfig, **_kwargs: Any) -> None:
        if config.id is not None:
            self._note(config.id, row_of(config))

    def _on_deleted(self, _sender: Any, config: IntegrationConfig, **_kwargs: Any) -> None:
        with self._lock:
            self._deleted.append(config)
            if self._replay is not None:
                self._replay_deleted.append(config)
        self._note(None, None)

    def _note(self, config_id: int | None, row: Row | None) -> None:
        with self._lock:
            first = not self._pending
            self._pending[config_id] = row
            if self._replay is not None:
                self._replay[config_id] = row
        if threading.get_ident() == self._thread:
            self.apply_pending()
        elif first:
            self._changesWaiting.emit()  # queued: starts the timer in the model's thread

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

    def _sort_key(self, row: Row) -> tuple[IntegrationKey, str, int]:
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

    def config_at(self, row: int) -> IntegrationConfig | None:
        """Return the manager's configuration shown in ``row`` (None if it is gone)."""
        return self.manager.get_config(self._shown[row][ROW_ID])

    def row_of(self, config: IntegrationConfig) -> int:
        """Return the row showing ``config`` (matched by ID), or -1."""
        return -1 if config.id is None else self.row_of_id(config.id)

    def row_of_id(self, config_id: int) -> int:
        """Return the row showing the configuration with this database ID, or -1."""
        row = self._by_id.get(config_id)
        return -1 if row is None else self._position(self._shown, row)

    def _position(self, rows: list[Row], row: Row) -> int:
        """Return where ``row`` is in the sorted ``rows``, or -1."""
        return position_of(rows, row, self._sort_key)

    # Changes -------------------------------------------------------------

    def apply_pending(self) -> None:
        """Show the saves and deletes that arrived since last time: few row by row, many at once."""
        self._timer.stop()
        with self._lock:
            pending, self._pending = self._pending, {}
            deleted, self._deleted = self._deleted, []
        changes = {key: row for key, row in pending.items() if key is not None}
        if deleted:
            changes.update(dict.fromkeys(self._deleted_ids(deleted)))
        if len(changes) > ROW_BY_ROW:
            self._apply_many(changes)
            return
        for config_id, row in changes.items():
            old = self._by_id.get(config_id)
            if old is not None and row is not None and self._sort_key(old) == self._sort_key(row):
                self._replace(old, row)
                continue
            if old is not None:
                self._take(old)
            if row is not None:
                self._insert(row)

    def _deleted_ids(self, deleted: list[IntegrationConfig]) -> set[int]:
        """Return the IDs of listed rows that ``deleted`` were, checking the database."""
        names = {(config.integration_id, config.name) for config in deleted}
        candidates = [
            row[ROW_ID] for row in self._rows if (row[ROW_INTEGRATION], row[ROW_NAME]) in names
        ]
        store = self.manager.store
        if len(candidates) >= len(deleted):
            marks = ", ".join("?" * len(candidates))
            found = store.query(f"SELECT id FROM configs WHERE id IN ({marks})", tuple(candidates))
        else:  # renamed in memory before it was deleted: compare every ID
            candidates = list(self._by_id)
            found = store.query("SELECT id FROM configs")
        kept = {row[0] for row in found}
        return {config_id for config_id in candidates if config_id not in kept}

    def _apply_many(self, changes: dict[int, Row | None]) -> None:
        """Apply a burst of changes in one reset; the views keep their selection.

        The sorted rows are cut and joined around the changed ones (list
        slices, in C), so a burst costs its own size, not the list's.
        """
        old = [self._by_id[key] for key in changes if key in self._by_id]
        added = [row for row in changes.values() if row is not None]
        rows = merge_rows(self._rows, old, added, self._sort_key)
        self.beginResetModel()
        for config_id, change in changes.items():
            self._problems.pop(config_id, None)
            if change is None:
                self._by_id.pop(config_id, None)
            else:
                self._by_id[config_id] = change
        self._rows = rows
        self._shown = self._matching(rows)
        self.endResetModel()

    def _replace(self, old: Row, row: Row) -> None:
        """Show the new values of a row that keeps its place (its enabled flag changed)."""
        position = self._position(self._rows, old)
        self._rows[position] = row
        self._by_id[row[ROW_ID]] = row
        self._problems.pop(row[ROW_ID], None)
        if self._shown is self._rows:
            shown = position
        else:
            shown = self._position(self._shown, old)
            if shown >= 0:
                self._shown[shown] = row
        if shown >= 0:
            self.dataChanged.emit(self.index(shown, 0), self.index(shown, STATUS))

    def _take(self, old: Row) -> None:
        shown = self._position(self._shown, old)
        if shown >= 0:
            self.beginRemoveRows(QModelIndex(), shown, shown)
            del self._shown[shown]  # from the rows too while no filter is set
            self.endRemoveRows()
        if self._shown is not self._rows:
            del self._rows[self._position(self._rows, old)]
        del self._by_id[old[ROW_ID]]
        self._problems.pop(old[ROW_ID], None)

    def _insert(self, row: Row) -> None:
        key = self._sort_key(row)
        position = bisect.bisect_left(self._rows, key, key=self._sort_key)
        self._by_id[row[ROW_ID]] = row
        if self._shown is self._rows:
            self.beginInsertRows(QModelIndex(), position, position)
            self._rows.insert(position, row)
            self.endInsertRows()
            return
        self._rows.insert(position, row)
        if self._matching([row]):
            position = bisect.bisect_left(self._shown, key, key=self._sort_key)
            self.beginInsertRows(QModelIndex(), position, position)
            self._shown.insert(position, row)
            self.endInsertRows()

    def upsert(self, config: IntegrationConfig) -> None:
        """Show a saved configuration: update its row, or insert it in sort order."""
        if config.id is not None:
            self._note(config.id, row_of(config))

    def remove(self, config: IntegrationConfig) -> None:
        """Drop the row of a deleted configuration."""
        self._on_deleted(self.manager, config)

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

    def problems(self, row: int) -> list[str]:
        """Return why the stored settings of ``row`` cannot be used as they are (empty: none)."""
        shown = self._shown[row]
        problems = self._problems.get(shown[ROW_ID])
        if problems is None:
            # Checked once the integration is registered (its form validates the
            # settings); a declared one is listed but not checked before.
            if not self.manager.is_registered(shown[ROW_INTEGRATION]):
                return []
            config = self.config_at(row)
            problems = check_config(config) if config is not None else []
            self._problems[shown[ROW_ID]] = problems
        return problems

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
            return self._tooltip(number, row)
        elif role == ConfigRole:
            return self.config_at(number)
        elif role == ProblemsRole:
            return self.problems(number)
        return None

    def _tooltip(self, number: int, row: Row) -> str:
        integration_name = self._integration_name(row[ROW_INTEGRATION])
        if not self._available(row):
            if self.loading:
                return f"{row[ROW_NAME]}: its integration is loading."
            return (
                f"The integration {integration_name} ({row[ROW_INTEGRATION]}) is not "
                "installed. This configuration is kept and comes back with its plugin."
            )
        problems = self.problems(number)
        if problems:
            return "Its stored settings need attention:\n" + "\n".join(problems)
        return f"{row[ROW_NAME]} ({integration_name})"

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

    def refresh_problems(self) -> None:
        """Check every row's stored settings again when next painted."""
        self._problems.clear()
        if self._shown:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._shown) - 1, STATUS))
