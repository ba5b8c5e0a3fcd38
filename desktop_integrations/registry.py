"""IntegrationRegistry: the integrations a manager knows, registered or declared."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_integrations.errors import IntegrationNotRegisteredError

if TYPE_CHECKING:
    from desktop_integrations.declared import DeclaredIntegration
    from desktop_integrations.integration import Integration


class IntegrationRegistry:
    """Looks up registered integrations, and the declared ones listed in their place.

    A declared integration comes from a plugin's manifest: it is listed
    before its plugin is imported, and importing the plugin registers the
    real integration under the same ID.
    :class:`~desktop_integrations.manager.IntegrationManager` adds
    registration, which enables and disables integrations.
    """

    def __init__(self) -> None:
        self._integrations: dict[str, Integration] = {}
        self._declared: dict[str, DeclaredIntegration] = {}

    def get_integration(self, integration_id: str) -> Integration:
        """Return the registered integration with this ID.

        A declared integration's plugin is imported first.

        Raises:
            IntegrationNotRegisteredError: No integration has this ID.
        """
        integration = self.load_integration(integration_id)
        if integration is None:
            raise IntegrationNotRegisteredError(
                f"No integration with the ID {integration_id!r} is registered"
            )
        return integration

    def declare_integration(self, declared: DeclaredIntegration) -> None:
        """List ``declared`` until its plugin registers the real integration."""
        self._declared[declared.id] = declared

    def undeclare_integration(self, integration_id: str) -> None:
        """Stop listing a declared integration (its plugin was unloaded)."""
        self._declared.pop(integration_id, None)

    def find_declared(self, integration_id: str) -> DeclaredIntegration | None:
        """Return the declared integration with this ID while it is not registered, or None."""
        if integration_id in self._integrations:
            return None
        return self._declared.get(integration_id)

    def get_declared_integrations(self) -> list[DeclaredIntegration]:
        """Return the declared integrations whose plugins are not imported yet."""
        return [d for d in self._declared.values() if d.id not in self._integrations]

    def load_integration(self, integration_id: str) -> Integration | None:
        """Return the registered integration, importing a declared one's plugin; None if neither."""
        integration = self._integrations.get(integration_id)
        if integration is None:
            declared = self._declared.get(integration_id)
            if declared is not None:
                declared.load()
                integration = self._integrations.get(integration_id)
        return integration

    def find_integration(self, integration_id: str) -> Integration | None:
        """Return the registered integration with this ID, or None."""
        return self._integrations.get(integration_id)

    def is_registered(self, integration_id: str) -> bool:
        """Return whether an integration with this ID is registered."""
        return integration_id in self._integrations

    def get_integrations(self) -> list[Integration]:
        """Return every registered integration, in registration order."""
        return list(self._integrations.values())

    def get_integration_classes(self) -> list[type[Integration]]:
        """Return every registered integration class, in registration order."""
        return [type(integration) for integration in self._integrations.values()]
