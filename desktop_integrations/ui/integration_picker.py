"""IntegrationPicker: choose an integration to add a configuration for."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from desktop_integrations.manager import IntegrationManager
from desktop_integrations.ui.integration_delegate import ICON_SIZE, IntegrationDelegate
from desktop_integrations.ui.integrations_model import (
    FilterRole,
    IntegrationRole,
    IntegrationsModel,
)

HINT = "Choose a service and fill in its settings."
LOADING_HINT = "Loading the integrations…"


class IntegrationPicker(QWidget):
    """A filterable list of the registered integrations.

    Activating one (double-click or Enter) emits :attr:`integrationChosen`.

    Attributes:
        view: The list view of integrations (sorted by name).
        hint: What to do here, or that the integrations are loading.
        filter_edit: Filters the list as the user types.
    """

    #: Emitted with the :class:`Integration` the user chose.
    integrationChosen = Signal(object)

    def __init__(self, manager: IntegrationManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self.model = IntegrationsModel(manager, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(FilterRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        heading = QLabel("Add an integration", self)
        font = QFont(heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        heading.setFont(font)
        self.hint = QLabel(HINT, self)
        self.hint.setWordWrap(True)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter integrations")
        self.filter_edit.setAccessibleName("Filter integrations")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter_edit.returnPressed.connect(self._choose_first)
        self.view = QListView(self)
        self.view.setAccessibleName("Integrations")
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(IntegrationDelegate(self.view))
        self.view.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.view.setUniformItemSizes(True)
        self.view.setWordWrap(True)
        self.view.activated.connect(self._on_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.hint)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view, 1)

    def set_loading(self, loading: bool) -> None:
        """Say whether the plugins that add integrations are still loading."""
        self.hint.setText(LOADING_HINT if loading else HINT)

    def reload(self) -> None:
        """List the registered integrations again."""
        self.model.reload()

    def _on_activated(self, index: QModelIndex) -> None:
        from desktop_integrations.declared import DeclaredIntegration
        from desktop_integrations.integration import Integration  # loaded with the plugins

        integration = index.data(IntegrationRole)
        if isinstance(integration, DeclaredIntegration):
            # Its plugin is imported now; a failure is reported with the plugins' problems.
            integration = self.manager.load_integration(integration.id)
        if isinstance(integration, Integration):
            self.integrationChosen.emit(integration)

    def _choose_first(self) -> None:
        current = self.view.currentIndex()
        index = current if current.isValid() else self.proxy.index(0, 0)
        if index.isValid():
            self._on_activated(index)
