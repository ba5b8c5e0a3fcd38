"""The Apprise services: one integration per service the installed Apprise knows.

Apprise (``pip install 'desktop-integrations[apprise]'``) describes 170+
notification services. Each becomes an integration with the ID
``apprise.<scheme>`` whose form is generated from Apprise's own schema. Without
Apprise installed, this plugin registers nothing and imports nothing of it.
With it installed, start-up reads the services from a catalogue cached per
Apprise version and imports Apprise only when a form, a URL or a delivery
needs it.
"""

from __future__ import annotations

import importlib.util
import logging

from desktop_integrations import Extension, IntegrationHook, __version__
from desktop_integrations.url_formats import UrlFormatHook

logger = logging.getLogger(__name__)


def apprise_installed() -> bool:
    """Return whether the Apprise library can be imported (without importing it)."""
    return importlib.util.find_spec("apprise") is not None


class AppriseExtension(Extension):
    """Registers one integration per Apprise service, when Apprise is installed."""

    name = "Apprise services"
    version = __version__
    description = (
        "Adds the 170+ notification services of the Apprise library, when it is installed "
        "(pip install 'desktop-integrations[apprise]')."
    )

    def initialize(self) -> None:
        """Register an integration per service, if Apprise is installed."""
        if not apprise_installed():
            logger.debug("Apprise is not installed: its services are not added")
            return
        from desktop_integrations.plugins.apprise.catalogue import cached_services
        from desktop_integrations.plugins.apprise.integration import integration_class
        from desktop_integrations.plugins.apprise.url_format import AppriseUrlFormat

        # Apprise's debug log and that of urllib3 (which it sends with) hold the
        # services' URLs, tokens included: never let them be written.
        for name in ("apprise", "urllib3"):
            logging.getLogger(name).setLevel(logging.WARNING)
        for service in cached_services():
            IntegrationHook(self, integration_class(service))
        UrlFormatHook(self, AppriseUrlFormat(self.integration_manager))
