"""ConfigsModel: every stored configuration, as rows of a table, fast with thousands."""

from __future__ import annotations

import bisect
import logging
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.errors import IntegrationError
from desktop_integrations.forms import BoundConfigForm
from desktop_integrations.manager import IntegrationManager
from desktop_integrations.signals import config_deleted, config_saved
from desktop_integrations.ui.icons import fallback_icon, integration_icon

logger = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
ROLE = Qt.ItemDataRole
#: The :class:`IntegrationConfig` of a row.
ConfigRole = ROLE.UserRole + 1
#: The problems of a row's stored settings, as a list of messages (empty: none).
ProblemsRole = ROLE.UserRole + 2
#: Lower-case text that the filter box matches.
FilterRole = ROLE.UserRole + 3

NAME, INTEGRATION, STATUS = range(3)
HEADERS = ("Name", "Integration", "Status")


class ConfigRow:
    """One row: a configuration plus what sorting and painting need.

    The check of the stored settings (see :meth:`problems`) runs only when the
    row is first painted, so opening a list of thousands stays fast.
    """

    __slots__ = ("_problems", "config", "integration_name", "key")

    def __init__(self, config: IntegrationConfig, integration_name: str) -> None:
        self.config = config
        self.integration_name = integration_name
        self.key = (integration_name.casefold(), config.name.casefold(), config.id or 0)
        self._problems: list[str] | None = None

    @property
    def available(self) -> bool:
        """Whether the configuration's integration is registered."""
        return self.config.is_available

    def problems(self) -> list[str]:
        """Return why the stored settings cannot be used as they are (empty: they can)."""
        if self._problems is None:
            self._problems = _check(self.config)
        return self._problems


def _check(config: IntegrationConfig) -> list[str]:
    integration = config.manager.find_integration(config.integration_id)
    if integration is None:
        return []
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

    Configurations of unregistered integrations stay listed, marked
    unavailable. The model follows the core's ``config_saved`` and
    ``config_deleted`` signals until :meth:`disconnect_signals`.

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
        self._rows: list[ConfigRow] = []
        self._icons: dict[str, QIcon] = {}
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

    def _row_for(self, config: IntegrationConfig) -> ConfigRow:
        integration = self.manager.find_integration(config.integration_id)
        # An unavailable integration is known only by its ID; Status says it is missing.
        name = integration.name if integration else config.integration_id
        return ConfigRow(config, name)

    def reload(self) -> None:
        """Read every configuration from the manager again."""
        self.beginResetModel()
        self._icons.clear()
        rows = [self._row_for(config) for config in self.manager.get_integration_configs()]
        rows.sort(key=lambda row: row.key)
        self._rows = rows
        self.endResetModel()

    def config_at(self, row: int) -> IntegrationConfig:
        """Return the configuration shown in ``row``."""
        return self._rows[row].config

    def row_of(self, config: IntegrationConfig) -> int:
        """Return the row of ``config`` (matched by ID, then identity), or -1."""
        for index, row in enumerate(self._rows):
            if row.config is config or (config.id is not None and row.config.id == config.id):
                return index
        return -1

    def upsert(self, config: IntegrationConfig) -> None:
        """Show a saved configuration: update its row, or insert it in sort order."""
        old = self.row_of(config)
        if old >= 0:
            self.beginRemoveRows(QModelIndex(), old, old)
            del self._rows[old]
            self.endRemoveRows()
        row = self._row_for(config)
        position = bisect.bisect_left(self._rows, row.key, key=lambda r: r.key)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, row)
        self.endInsertRows()

    def remove(self, config: IntegrationConfig) -> None:
        """Drop the row of a deleted configuration."""
        index = self.row_of(config)
        if index < 0:
            return
        self.beginRemoveRows(QModelIndex(), index, index)
        del self._rows[index]
        self.endRemoveRows()

    # Qt model interface --------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Return the number of configurations."""
        return 0 if parent.isValid() else len(self._rows)

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

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Rows are selectable; the Status column of an available row is checkable."""
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == STATUS and self._rows[index.row()].available:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def _icon(self, row: ConfigRow) -> QIcon:
        integration_id = row.config.integration_id
        icon = self._icons.get(integration_id)
        if icon is None:
            integration = self.manager.find_integration(integration_id)
            icon = (
                integration_icon(integration)
                if integration
                else fallback_icon(integration_id, integration_id.rpartition(".")[2])
            )
            self._icons[integration_id] = icon
        return icon

    def data(self, index: Index, role: int = ROLE.DisplayRole) -> Any:
        """Return what a view shows for a cell."""
        row = self._rows[index.row()]
        column = index.column()
        if role == ROLE.DisplayRole:
            if column == NAME:
                return row.config.name
            if column == INTEGRATION:
                return row.integration_name
            if not row.available:
                return "Unavailable"
            return "Enabled" if row.config.enabled else "Disabled"
        return self._other_data(row, column, role)

    def _other_data(self, row: ConfigRow, column: int, role: int) -> Any:
        if role == ROLE.DecorationRole:
            if column == NAME:
                return self._icon(row)
            if column == STATUS and row.problems():
                style = QApplication.style()
                return style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        elif role == ROLE.CheckStateRole and column == STATUS and row.available:
            return Qt.CheckState.Checked if row.config.enabled else Qt.CheckState.Unchecked
        elif role == ROLE.ForegroundRole and (not row.config.enabled or not row.available):
            return QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        elif role == ROLE.ToolTipRole:
            return self._tooltip(row)
        elif role == ConfigRole:
            return row.config
        elif role == ProblemsRole:
            return row.problems()
        elif role == FilterRole:
            return f"{row.config.name}\n{row.integration_name}".casefold()
        return None

    def _tooltip(self, row: ConfigRow) -> str:
        if not row.available:
            return (
                f"The integration {row.config.integration_id!r} is not installed. "
                "This configuration is kept and comes back with its plugin."
            )
        problems = row.problems()
        if problems:
            return "Its stored settings need attention:\n" + "\n".join(problems)
        return f"{row.config.name} ({row.integration_name})"

    def setData(self, index: Index, value: Any, role: int = ROLE.EditRole) -> bool:
        """Enable or disable a configuration from its Status check box, and save it."""
        if role != ROLE.CheckStateRole or index.column() != STATUS:
            return False
        config = self._rows[index.row()].config
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
        for row in self._rows:
            row._problems = None
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, STATUS))
