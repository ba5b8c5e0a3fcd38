"""ConfigsModel: every stored configuration, as rows of a table, fast with many thousands."""

from __future__ import annotations

import bisect
import logging
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QApplication

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.errors import IntegrationError
from desktop_integrations.manager import IntegrationManager
from desktop_integrations.signals import config_deleted, config_saved
from desktop_integrations.ui.icons import fallback_icon, integration_icon

if TYPE_CHECKING:
    from desktop_integrations.declared import DeclaredIntegration
    from desktop_integrations.integration import Integration

logger = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
ROLE = Qt.ItemDataRole
#: The :class:`IntegrationConfig` of a row.
ConfigRole = ROLE.UserRole + 1
#: The problems of a row's stored settings, as a list of messages (empty: none).
ProblemsRole = ROLE.UserRole + 2

NAME, INTEGRATION, STATUS = range(3)
HEADERS = ("Name", "Integration", "Status")
LOADING = "Loading…"

#: A row: (id, integration ID, name, enabled, casefolded name). Plain tuples,
#: straight from one query, so that 100,000 rows cost no object of our own each.
Row = tuple[int, str, str, int, str]
_ID: Final = 0
_INTEGRATION: Final = 1
_NAME: Final = 2
_ENABLED: Final = 3
_FOLDED: Final = 4


def _check(config: IntegrationConfig) -> list[str]:
    integration = config.manager.find_integration(config.integration_id)
    if integration is None:
        return []
    # Imported here: validating needs the forms, which the first paint does not.
    from desktop_integrations.forms import BoundConfigForm

    try:
        form = BoundConfigForm(integration, config)
        errors = form.errors
    except Exception as e:
        logger.exception("Checking %r failed", config)
        return [f"The stored settings could not be checked: {e}"]
    fields = integration.config_form_cls.model_fields
    messages = [
        f"{fields[name].title or name if name in fields else 'Settings'}: {' '.join(msgs)}"
        for name, msgs in errors.items()
    ]
    return list(config.problems) + messages


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
    _configSaved = Signal(object)
    _configDeleted = Signal(object)

    def __init__(self, manager: IntegrationManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self.loading = False
        self._rows: list[Row] = []
        self._shown: list[Row] = []
        self._filter = ""
        self._keys: dict[str, tuple[str, str]] = {}
        self._icons: dict[str, QIcon] = {}
        self._problems: dict[int, list[str]] = {}
        # blinker may call from any thread; Qt signals bring the change to the
        # model's thread.
        self._configSaved.connect(self.upsert)
        self._configDeleted.connect(self.remove)
        config_saved.connect(self._on_saved, sender=manager)
        config_deleted.connect(self._on_deleted, sender=manager)
        self.reload()

    def disconnect_signals(self) -> None:
        """Stop following the core's signals."""
        config_saved.disconnect(self._on_saved, sender=self.manager)
        config_deleted.disconnect(self._on_deleted, sender=self.manager)

    def _on_saved(self, _sender: Any, config: IntegrationConfig, **_kwargs: Any) -> None:
        self._configSaved.emit(config)

    def _on_deleted(self, _sender: Any, config: IntegrationConfig, **_kwargs: Any) -> None:
        self._configDeleted.emit(config)

    # Rows ----------------------------------------------------------------

    def _listed(self, integration_id: str) -> Integration | DeclaredIntegration | None:
        """The registered integration, or the one a manifest declares until it is imported."""
        return self.manager.find_integration(integration_id) or self.manager.find_declared(
            integration_id
        )

    def _integration_name(self, integration_id: str) -> str:
        integration = self._listed(integration_id)
        if integration is not None:
            return integration.name
        # An unavailable integration is known only by its ID; Status says it is missing.
        return LOADING if self.loading else integration_id

    def _integration_key(self, integration_id: str) -> tuple[str, str]:
        key = self._keys.get(integration_id)
        if key is None:
            integration = self._listed(integration_id)
            name = integration.name if integration is not None else integration_id
            key = self._keys[integration_id] = (name.casefold(), integration_id)
        return key

    def _sort_key(self, row: Row) -> tuple[tuple[str, str], str, int]:
        return (self._integration_key(row[_INTEGRATION]), row[_FOLDED], row[_ID])

    def reload(self) -> None:
        """Read every configuration from the database again."""
        self.beginResetModel()
        self._icons.clear()
        self._keys.clear()
        self._problems.clear()
        rows = [
            (id_, integration_id, name, enabled, name.casefold())
            for id_, integration_id, name, enabled in self.manager.store.config_summaries()
        ]
        self._rows = self._sorted(rows)
        self._shown = self._matching(self._rows)
        self.endResetModel()

    def _sorted(self, rows: list[Row]) -> list[Row]:
        """Return ``rows`` by integration name, then name, then ID, sorting only in C."""
        # Stable sorts keyed by itemgetter: by name (ties keep the query's ID
        # order), then by integration ID, which leaves one run per integration.
        rows.sort(key=itemgetter(_FOLDED))
        rows.sort(key=itemgetter(_INTEGRATION))
        runs = []
        start = 0
        while start < len(rows):
            integration_id = rows[start][_INTEGRATION]
            end = bisect.bisect_right(rows, integration_id, start, key=itemgetter(_INTEGRATION))
            runs.append((self._integration_key(integration_id), start, end))
            start = end
        # The runs, a few, are put in order of their integrations' names.
        runs.sort()
        ordered: list[Row] = []
        for _, start, end in runs:
            ordered += rows[start:end]
        return ordered

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
            return [row for row in rows if text in row[_FOLDED]]
        return [row for row in rows if text in row[_FOLDED] or row[_INTEGRATION] in named]

    def total_count(self) -> int:
        """Return the number of configurations, filtered out or not."""
        return len(self._rows)

    def config_id_at(self, row: int) -> int:
        """Return the database ID of the configuration shown in ``row``."""
        return self._shown[row][_ID]

    def integration_id_at(self, row: int) -> str:
        """Return the integration ID of the configuration shown in ``row``."""
        return self._shown[row][_INTEGRATION]

    def config_at(self, row: int) -> IntegrationConfig | None:
        """Return the manager's configuration shown in ``row`` (None if it is gone)."""
        return self.manager.get_config(self._shown[row][_ID])

    def row_of(self, config: IntegrationConfig) -> int:
        """Return the row showing ``config`` (matched by ID), or -1."""
        return -1 if config.id is None else self.row_of_id(config.id)

    def row_of_id(self, config_id: int) -> int:
        """Return the row showing the configuration with this database ID, or -1."""
        return next((i for i, row in enumerate(self._shown) if row[_ID] == config_id), -1)

    def _take(self, config_id: int) -> None:
        position = self.row_of_id(config_id)
        if position >= 0:
            self.beginRemoveRows(QModelIndex(), position, position)
            del self._shown[position]  # from the rows too while no filter is set
            self.endRemoveRows()
        if self._shown is not self._rows:
            for index, row in enumerate(self._rows):
                if row[_ID] == config_id:
                    del self._rows[index]
                    break
        self._problems.pop(config_id, None)

    def upsert(self, config: IntegrationConfig) -> None:
        """Show a saved configuration: update its row, or insert it in sort order."""
        if config.id is None:
            return
        self._take(config.id)
        row: Row = (
            config.id,
            config.integration_id,
            config.name,
            int(config.enabled),
            config.name.casefold(),
        )
        key = self._sort_key(row)
        position = bisect.bisect_left(self._rows, key, key=self._sort_key)
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

    def remove(self, config: IntegrationConfig) -> None:
        """Drop the row of a deleted configuration.

        A deleted configuration has lost its ID, so the rows with its
        integration and name are checked against the database.
        """
        if config.id is not None:
            self._take(config.id)
            return
        candidates = [
            row[_ID]
            for row in self._rows
            if row[_INTEGRATION] == config.integration_id and row[_NAME] == config.name
        ]
        store = self.manager.store
        if candidates:
            marks = ", ".join("?" * len(candidates))
            found = store.query(f"SELECT id FROM configs WHERE id IN ({marks})", tuple(candidates))
        else:  # renamed in memory before it was deleted: compare every ID
            candidates = [row[_ID] for row in self._rows]
            found = store.query("SELECT id FROM configs")
        kept = {row[0] for row in found}
        for config_id in candidates:
            if config_id not in kept:
                self._take(config_id)

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
        return self._listed(row[_INTEGRATION]) is not None

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
        problems = self._problems.get(shown[_ID])
        if problems is None:
            if not self._available(shown):
                return []
            config = self.config_at(row)
            problems = _check(config) if config is not None else []
            self._problems[shown[_ID]] = problems
        return problems

    def data(self, index: Index, role: int = ROLE.DisplayRole) -> Any:
        """Return what a view shows for a cell."""
        row = self._shown[index.row()]
        column = index.column()
        if role == ROLE.DisplayRole:
            if column == NAME:
                return row[_NAME]
            if column == INTEGRATION:
                return self._integration_name(row[_INTEGRATION])
            if not self.loading and not self._available(row):
                return "Unavailable"
            return "Enabled" if row[_ENABLED] else "Disabled"
        return self._other_data(index.row(), row, column, role)

    def _other_data(self, number: int, row: Row, column: int, role: int) -> Any:
        if role == ROLE.DecorationRole:
            if column == NAME:
                return self._icon(row[_INTEGRATION])
            if column == STATUS and self.problems(number):
                from PySide6.QtWidgets import QStyle  # its enums cost start-up time

                style = QApplication.style()
                return style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        elif role == ROLE.CheckStateRole and column == STATUS and self._available(row):
            return Qt.CheckState.Checked if row[_ENABLED] else Qt.CheckState.Unchecked
        elif role == ROLE.ForegroundRole and (
            not row[_ENABLED] or (not self.loading and not self._available(row))
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
        integration_name = self._integration_name(row[_INTEGRATION])
        if not self._available(row):
            if self.loading:
                return f"{row[_NAME]}: its integration is loading."
            return (
                f"The integration {row[_INTEGRATION]!r} is not installed. "
                "This configuration is kept and comes back with its plugin."
            )
        problems = self.problems(number)
        if problems:
            return "Its stored settings need attention:\n" + "\n".join(problems)
        return f"{row[_NAME]} ({integration_name})"

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
