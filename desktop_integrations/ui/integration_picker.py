"""IntegrationPicker: choose an integration to add a configuration for."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListView,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_integrations.manager import IntegrationManager
from desktop_integrations.ui.integration_delegate import ICON_SIZE, IntegrationDelegate
from desktop_integrations.ui.integrations_model import (
    FilterRole,
    IntegrationRole,
    IntegrationsModel,
)
from desktop_integrations.ui.url_import_button import UrlImportButton

HINT = "Choose a service and fill in its settings."
#: Keys typed in the filter box that move through the list instead.
_LIST_KEYS = frozenset({Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown})
LOADING_HINT = "Loading the integrations…"


class IntegrationPicker(QWidget):
    """A filterable list of the registered integrations.

    Activating one (double-click or Enter) emits :attr:`integrationChosen`.
    The list always has a current, highlighted entry while anything matches:
    Up and Down in the filter box move it, Enter there opens it.

    Attributes:
        view: The list view of integrations (sorted by name).
        hint: What to do here, or that the integrations are loading.
        filter_edit: Filters the list as the user types.
        empty_label: Shown instead of the list when nothing matches the filter.
    """

    #: Emitted with the :class:`Integration` the user chose.
    integrationChosen = Signal(object)
    #: Emitted with the :class:`~desktop_integrations.url_formats.ParsedUrl` of a pasted URL.
    urlParsed = Signal(object)

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
        self.filter_edit.textChanged.connect(self._keep_current)
        self.filter_edit.returnPressed.connect(self._choose_current)
        self.filter_edit.installEventFilter(self)
        self.view = QListView(self)
        self.view.setAccessibleName("Integrations")
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(IntegrationDelegate(self.view))
        self.view.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.view.setUniformItemSizes(True)
        self.view.setWordWrap(True)
        self.view.activated.connect(self._on_activated)
        self.empty_label = QLabel(self)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.view)
        self._stack.addWidget(self.empty_label)
        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._keep_current)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.hint)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self._stack, 1)
        self.url_import = UrlImportButton(self)
        self.url_import.urlParsed.connect(self.urlParsed)
        layout.addWidget(self.url_import)
        self._keep_current()

    def set_loading(self, loading: bool) -> None:
        """Say whether the plugins that add integrations are still loading."""
        self.hint.setText(LOADING_HINT if loading else HINT)

    def reload(self) -> None:
        """List the registered integrations again."""
        self.model.reload()
        self.url_import.refresh()

    def _on_activated(self, index: QModelIndex) -> None:
        from desktop_integrations.declared import DeclaredIntegration
        from desktop_integrations.integration import Integration  # loaded with the plugins

        integration = index.data(IntegrationRole)
        if isinstance(integration, DeclaredIntegration):
            # Its plugin is imported now; a failure is reported with the plugins' problems.
            integration = self.manager.load_integration(integration.id)
        if isinstance(integration, Integration):
            self.integrationChosen.emit(integration)

    def _keep_current(self, *_args: object) -> None:
        """Keep an entry current and highlighted, or say that nothing matches."""
        empty = self.proxy.rowCount() == 0
        if empty and self.filter_edit.text():
            self.empty_label.setText(f"No integration matches “{self.filter_edit.text()}”.")
        self._stack.setCurrentWidget(self.empty_label if empty else self.view)
        if not empty and not self.view.currentIndex().isValid():
            self.view.setCurrentIndex(self.proxy.index(0, 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up, Down, Page Up and Page Down in the filter box move through the list."""
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            # Imported at the first key press: setting up its type costs start-up time.
            from PySide6.QtGui import QKeyEvent

            if isinstance(event, QKeyEvent) and event.key() in _LIST_KEYS:
                self._move(Qt.Key(event.key()))
                return True
        return super().eventFilter(watched, event)

    def _move(self, key: Qt.Key) -> None:
        """Move the current entry as ``key`` would in the list, leaving the focus here."""
        count = self.proxy.rowCount()
        if not count:
            return
        page = max(1, self.view.viewport().height() // max(1, self.view.sizeHintForRow(0)))
        step = {
            Qt.Key.Key_Up: -1,
            Qt.Key.Key_Down: 1,
            Qt.Key.Key_PageUp: -page,
            Qt.Key.Key_PageDown: page,
        }[key]
        row = min(max(self.view.currentIndex().row() + step, 0), count - 1)
        self.view.setCurrentIndex(self.proxy.index(row, 0))

    def _choose_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid() and self.proxy.rowCount():
            self._on_activated(index)
