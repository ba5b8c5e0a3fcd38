"""ConfigsPane: the filterable list of configurations, or how to start when there is none."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.manager import IntegrationManager
from desktop_integrations.ui.configs_model import INTEGRATION, NAME, STATUS, ConfigsModel

EMPTY_TEXT = (
    "<h3>No configurations yet</h3>"
    "<p>Choose an integration in the list on the left (Ctrl+N, then Enter), fill in its "
    "settings and click OK.</p><p>An integration can have several configurations, for "
    "instance one per channel.</p>"
)


class ConfigsPane(QWidget):
    """A filter box over a table of every configuration, and an empty state.

    Attributes:
        model: The configurations, filtered (see :class:`ConfigsModel`).
        filter_edit: Filters by configuration or integration name as the user types.
        view: The table; 32 px icons, one fixed-height row per configuration, so
            that only the visible rows are ever measured or asked for.
        empty_label: Shown instead of the view when no row is left to show.
    """

    #: Emitted with the number of configurations (before filtering) when it changes.
    countChanged = Signal(int)
    #: Emitted after Space enabled or disabled the selected configuration.
    toggled = Signal()

    def __init__(self, manager: IntegrationManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ConfigsModel(manager, self)
        # The selection follows the configuration, by ID, through resets (a
        # rescan, a filter, a burst of saves) and moves (a rename). Connected
        # before the view's selection model, which drops a removed row first.
        self._kept_id: int | None = None
        self._kept_column = NAME
        self.model.modelAboutToBeReset.connect(self._keep_selection)
        self.model.rowsAboutToBeRemoved.connect(self._keep_removed_selection)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter configurations (Ctrl+F)")
        self.filter_edit.setAccessibleName("Filter configurations")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._set_filter)
        self.view = self._build_view()
        self.view.installEventFilter(self)
        # After the view's own slots, which clear the selection on a reset.
        self.model.modelReset.connect(self._restore_selection)
        self.model.rowsInserted.connect(self._restore_selection)
        self.empty_label = QLabel(EMPTY_TEXT, self)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setAccessibleName("No configurations")
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.view)
        self._stack.addWidget(self.empty_label)
        for signal in (
            self.model.rowsInserted,
            self.model.rowsRemoved,
            self.model.modelReset,
        ):
            signal.connect(self._update_empty_state)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Configurations</b>", self))
        layout.addWidget(self.filter_edit)
        layout.addWidget(self._stack, 1)
        self._update_empty_state()

    def _build_view(self) -> QTableView:
        view = QTableView(self)
        view.setAccessibleName("Configurations")
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.setCornerButtonEnabled(False)
        view.setAlternatingRowColors(True)
        view.setIconSize(QSize(32, 32))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setTabKeyNavigation(False)
        rows = view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(max(36, view.fontMetrics().height() + 8))
        view.setModel(self.model)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(INTEGRATION, 180)
        header.resizeSection(STATUS, 150)
        return view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Space on a row, whatever its column, enables or disables it (once)."""
        if watched is self.view and event.type() == QEvent.Type.KeyPress:
            # Imported at the first key press: setting up its type costs start-up time.
            from PySide6.QtGui import QKeyEvent

            if (
                isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Space
                and not event.modifiers()
            ):
                self.toggle_selected()
                self.toggled.emit()
                return True
        return super().eventFilter(watched, event)

    def _set_filter(self, text: str) -> None:
        self.model.set_filter(text)

    def _keep_selection(self) -> None:
        current = self.selected_config_id()
        if current is not None:
            self._kept_id = current
            self._kept_column = max(self.view.currentIndex().column(), NAME)

    def _keep_removed_selection(self, _parent: object, first: int, last: int) -> None:
        row = self._selected_row()
        if first <= row <= last:
            self._keep_selection()

    def _restore_selection(self) -> None:
        if self._kept_id is None:
            return
        row = self.model.row_of_id(self._kept_id)
        if row >= 0 or not self.model.has_config(self._kept_id):
            self._kept_id = None  # found, or deleted; a filtered-out one is kept
        if row >= 0:
            self._select_row(row, self._kept_column)

    def _update_empty_state(self) -> None:
        empty = self.model.rowCount() == 0
        if empty and self.model.total_count() > 0:
            self.empty_label.setText(
                f"<p>No configuration matches “{self.filter_edit.text()}”.</p>"
            )
        elif empty:
            self.empty_label.setText(EMPTY_TEXT)
        self._stack.setCurrentWidget(self.empty_label if empty else self.view)
        self.countChanged.emit(self.model.total_count())

    def _selected_row(self) -> int:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def selected_config_id(self) -> int | None:
        """Return the database ID of the selected configuration, or None."""
        row = self._selected_row()
        return self.model.config_id_at(row) if row >= 0 else None

    def selected_integration_id(self) -> str | None:
        """Return the integration ID of the selected configuration, or None."""
        row = self._selected_row()
        return self.model.integration_id_at(row) if row >= 0 else None

    def selected_problems(self) -> list[str]:
        """Return why the selected configuration's stored settings need attention (or [])."""
        row = self._selected_row()
        return self.model.problems(row) if row >= 0 else []

    def selected_enabled(self) -> bool | None:
        """Return whether the selected configuration is enabled; None without a selection."""
        row = self._selected_row()
        if row < 0:
            return None
        state = self.model.index(row, STATUS).data(Qt.ItemDataRole.CheckStateRole)
        return bool(state == Qt.CheckState.Checked)

    def toggle_selected(self) -> bool:
        """Enable or disable the selected configuration (if available); return if saved."""
        row = self._selected_row()
        enabled = self.selected_enabled()
        if row < 0 or enabled is None:
            return False
        state = Qt.CheckState.Unchecked if enabled else Qt.CheckState.Checked
        index = self.model.index(row, STATUS)
        return self.model.setData(index, state.value, Qt.ItemDataRole.CheckStateRole)

    def selected_config(self) -> IntegrationConfig | None:
        """Return the selected configuration, or None."""
        row = self._selected_row()
        return self.model.config_at(row) if row >= 0 else None

    def select_config(self, config: IntegrationConfig) -> None:
        """Select ``config``'s row and scroll to it (hidden by the filter: nothing happens)."""
        self._select_row(self.model.row_of(config))

    def _select_row(self, row: int, column: int = NAME) -> None:
        if row >= 0:
            index = self.model.index(row, column)
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
