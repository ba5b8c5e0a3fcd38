"""IntegrationsModel: the registered integrations, the native ones first, by name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop_integrations.manager import IntegrationManager
from desktop_integrations.ui.icons import integration_icon

if TYPE_CHECKING:
    from desktop_integrations.declared import DeclaredIntegration
    from desktop_integrations.integration import Integration

    Listed = Integration | DeclaredIntegration

Index = QModelIndex | QPersistentModelIndex
ROLE = Qt.ItemDataRole
#: The :class:`Integration` of a row, or the :class:`DeclaredIntegration` that stands
#: for it until its plugin is imported.
IntegrationRole = ROLE.UserRole + 1
#: The integration's description.
DescriptionRole = ROLE.UserRole + 2
#: Lower-case text that the filter box matches: name, description, keywords.
FilterRole = ROLE.UserRole + 3
#: The ID prefix of the integrations that ship with the app, listed first.
NATIVE_PREFIX = "builtin."


class IntegrationsModel(QAbstractListModel):
    """One row per registered or declared integration: name, icon and description.

    Args:
        manager: The manager whose integrations to list.
    """

    def __init__(self, manager: IntegrationManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self._integrations: list[Listed] = []
        self.reload()

    def reload(self) -> None:
        """List the registered integrations again (after plugins changed)."""
        self.beginResetModel()
        listed: list[Listed] = [
            *self.manager.get_integrations(),
            *self.manager.get_declared_integrations(),
        ]
        # The native integrations first, then every plugin's, by name.
        self._integrations = sorted(
            listed, key=lambda i: (not i.id.startswith(NATIVE_PREFIX), i.name.casefold(), i.id)
        )
        self.endResetModel()

    def integration_at(self, row: int) -> Listed:
        """Return the integration (or declared integration) shown in ``row``."""
        return self._integrations[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Return the number of integrations."""
        return 0 if parent.isValid() else len(self._integrations)

    def data(self, index: Index, role: int = ROLE.DisplayRole) -> Any:
        """Return the name, icon, description or integration of a row."""
        integration = self._integrations[index.row()]
        if role == ROLE.DisplayRole:
            return integration.name
        if role == ROLE.DecorationRole:
            return integration_icon(integration)
        if role in (DescriptionRole, ROLE.ToolTipRole, ROLE.AccessibleDescriptionRole):
            return integration.description
        if role == IntegrationRole:
            return integration
        if role == FilterRole:
            return "\n".join(
                (integration.name, integration.description, *integration.keywords)
            ).casefold()
        return None
