"""ConfigsPane: the filterable list of configurations, or how to start when there is none."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
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

    def __init__(self, manager: IntegrationManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ConfigsModel(manager, self)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter configurations (Ctrl+F)")
        self.filter_edit.setAccessibleName("Filter configurations")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._set_filter)
        self.view = self._build_view()
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

    def _set_filter(self, text: str) -> None:
        current = self.selected_config_id()
        self.model.set_filter(text)
        if current is not None:
            self._select_row(self.model.row_of_id(current))

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

    def selected_config(self) -> IntegrationConfig | None:
        """Return the selected configuration, or None."""
        row = self._selected_row()
        return self.model.config_at(row) if row >= 0 else None

    def select_config(self, config: IntegrationConfig) -> None:
        """Select ``config``'s row and scroll to it (hidden by the filter: nothing happens)."""
        self._select_row(self.model.row_of(config))

    def _select_row(self, row: int) -> None:
        if row >= 0:
            index = self.model.index(row, NAME)
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
