"""RowChanges: a configurations list's rows, with saves and deletes applied in batches."""

from __future__ import annotations

import bisect
import threading
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QTimer, Signal

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.manager import IntegrationManager
from desktop_integrations.ui.config_rows import (
    ROW_ID,
    ROW_INTEGRATION,
    ROW_NAME,
    IntegrationKey,
    Row,
    check_config,
    merge_rows,
    position_of,
    row_of,
)

NAME, INTEGRATION, STATUS = range(3)
#: Up to this many changes in one burst are applied row by row; more, in one reset.
ROW_BY_ROW = 32
#: How long changes from other threads are gathered before the list shows them (ms).
GATHER_MS = 25
#: How rows are sorted: integration, then casefolded name, then ID.
SortKey = tuple[IntegrationKey, str, int]


class RowChanges(QAbstractTableModel):
    """The sorted rows of a configurations table, kept up to date in batches.

    Saves and deletes are noted from any thread and applied in the model's
    thread: at once when noted there, else after :data:`GATHER_MS`; a few
    row by row, a burst in one reset. A row's stored settings are checked
    for problems when asked (:meth:`problems`). Subclasses say how rows sort
    (:meth:`_sort_key`) and which are shown (:meth:`_matching`).

    Args:
        manager: The manager whose configurations the rows are.
    """

    _changesWaiting = Signal()

    def __init__(self, manager: IntegrationManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self._rows: list[Row] = []
        self._shown: list[Row] = []
        self._by_id: dict[int, Row] = {}
        self._problems: dict[int, list[str]] = {}
        # Saves and deletes arrive from any thread; they wait here (ID -> new
        # row, None: deleted) until the model's thread applies them in one go.
        # A deleted configuration has lost its ID: it waits in _deleted, and
        # the None key says that there is one.
        self._pending: dict[int | None, Row | None] = {}
        self._deleted: list[IntegrationConfig] = []
        # While a long list is read again in the background, the changes noted
        # meanwhile are kept here too, to apply again on top of what was read.
        self._replay: dict[int | None, Row | None] | None = None
        self._replay_deleted: list[IntegrationConfig] = []
        self._lock = threading.Lock()
        self._thread = threading.get_ident()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GATHER_MS)
        self._timer.timeout.connect(self.apply_pending)
        self._changesWaiting.connect(self._timer.start)

    def _sort_key(self, row: Row) -> SortKey:
        """Return the key ``row`` sorts by (overridden by the model)."""
        raise NotImplementedError

    def _matching(self, rows: list[Row]) -> list[Row]:
        """Return the ``rows`` to show (overridden by the model)."""
        raise NotImplementedError

    @property
    def reloading(self) -> bool:
        """Whether a worker thread is reading the list again (it holds the store meanwhile)."""
        with self._lock:
            return self._replay is not None

    def config_at(self, row: int) -> IntegrationConfig | None:
        """Return the manager's configuration shown in ``row`` (None if it is gone)."""
        return self.manager.get_config(self._shown[row][ROW_ID])

    def problems(self, row: int) -> list[str]:
        """Return why the stored settings of ``row`` cannot be used as they are (empty: none)."""
        shown = self._shown[row]
        problems = self._problems.get(shown[ROW_ID])
        if problems is None:
            # Checked once the integration is registered (its form validates the
            # settings); a declared one is listed but not checked before.
            if not self.manager.is_registered(shown[ROW_INTEGRATION]):
                return []
            if self.reloading:  # the reader holds the store; its reset repaints the rows
                return []
            config = self.config_at(row)
            problems = check_config(config) if config is not None else []
            self._problems[shown[ROW_ID]] = problems
        return problems

    def refresh_problems(self) -> None:
        """Check every row's stored settings again when next painted."""
        self._problems.clear()
        if self._shown:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._shown) - 1, STATUS))

    def _position(self, rows: list[Row], row: Row) -> int:
        """Return where ``row`` is in the sorted ``rows``, or -1."""
        return position_of(rows, row, self._sort_key)

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
