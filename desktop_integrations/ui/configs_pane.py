"""ConfigsPane: the filterable list of configurations, or how to start when there is none."""

from __future__ import annotations

from PySide6.QtCore import QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.manager import IntegrationManager
from desktop_integrations.ui.configs_model import NAME, ConfigRole, ConfigsModel, FilterRole

EMPTY_TEXT = (
    "<h3>No configurations yet</h3>"
    "<p>Choose an integration in the list on the left (Ctrl+N, then Enter), fill in its "
    "settings and click OK.</p><p>An integration can have several configurations, for "
    "instance one per channel.</p>"
)


class ConfigsPane(QWidget):
    """A filter box over a table of every configuration, and an empty state.

    Attributes:
        model: The configurations (see :class:`ConfigsModel`).
        proxy: The filtered rows the view shows.
        filter_edit: Filters by configuration or integration name as the user types.
        view: The table; 32 px icons, one uniform-height row per configuration.
        empty_label: Shown instead of the view when no row is left to show.
    """

    #: Emitted with the number of configurations (before filtering) when it changes.
    countChanged = Signal(int)

    def __init__(self, manager: IntegrationManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ConfigsModel(manager, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(FilterRole)
        self.proxy.setFilterKeyColumn(NAME)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter configurations (Ctrl+F)")
        self.filter_edit.setAccessibleName("Filter configurations")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = self._build_view()
        self.empty_label = QLabel(EMPTY_TEXT, self)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setAccessibleName("No configurations")
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.view)
        self._stack.addWidget(self.empty_label)
        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_empty_state)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Configurations</b>", self))
        layout.addWidget(self.filter_edit)
        layout.addWidget(self._stack, 1)
        self._update_empty_state()

    def _build_view(self) -> QTreeView:
        view = QTreeView(self)
        view.setAccessibleName("Configurations")
        view.setRootIsDecorated(False)
        view.setUniformRowHeights(True)
        view.setAlternatingRowColors(True)
        view.setIconSize(QSize(32, 32))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setModel(self.proxy)
        header = view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(1, 180)
        header.resizeSection(2, 150)
        return view

    def _update_empty_state(self) -> None:
        empty = self.proxy.rowCount() == 0
        if empty and self.model.rowCount() > 0:
            self.empty_label.setText(
                f"<p>No configuration matches “{self.filter_edit.text()}”.</p>"
            )
        elif empty:
            self.empty_label.setText(EMPTY_TEXT)
        self._stack.setCurrentWidget(self.empty_label if empty else self.view)
        self.countChanged.emit(self.model.rowCount())

    def selected_config(self) -> IntegrationConfig | None:
        """Return the selected configuration, or None."""
        rows = self.view.selectionModel().selectedRows()
        config = rows[0].data(ConfigRole) if rows else None
        return config if isinstance(config, IntegrationConfig) else None

    def select_config(self, config: IntegrationConfig) -> None:
        """Select ``config``'s row and scroll to it (hidden by the filter: nothing happens)."""
        row = self.model.row_of(config)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, NAME))
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
