"""Apprise URLs as the app's URL format: paste one, copy one, import a config file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from desktop_integrations.plugins.apprise.integration import AppriseIntegration
from desktop_integrations.plugins.apprise.url import AppriseUrlError
from desktop_integrations.url_formats import ParsedUrl, UrlFormat, UrlFormatError

if TYPE_CHECKING:
    from desktop_integrations import Integration, IntegrationManager


def _scheme(url: str) -> str:
    scheme, sep, _ = url.strip().partition("://")
    return scheme.lower() if sep else ""


class AppriseUrlFormat(UrlFormat):
    """Apprise URLs of the registered Apprise integrations.

    Args:
        manager: The manager the Apprise integrations are registered with.
    """

    name = "Apprise URL"
    warning = (
        "An Apprise URL holds the service's passwords and tokens in plain text: "
        "anyone who sees it can send as you. Paste it only where it stays private."
    )

    def __init__(self, manager: IntegrationManager) -> None:
        self.manager = manager

    def handles(self, integration: Integration) -> bool:
        """Return whether ``integration`` is an Apprise service."""
        return isinstance(integration, AppriseIntegration)

    def _integration(self, scheme: str) -> AppriseIntegration | None:
        for integration in self.manager.get_integrations():
            if (
                isinstance(integration, AppriseIntegration)
                and scheme in integration.service.schemes
            ):
                return integration
        return None

    def parse(self, url: str) -> ParsedUrl:
        """Return the Apprise integration of the URL's scheme and its settings.

        A URL that Apprise reads but no template describes (a service's own
        web address, such as a Discord webhook's) is first rewritten by
        Apprise in its own form.
        """
        scheme = _scheme(url)
        if not scheme:
            raise UrlFormatError("This is not a URL: it has no scheme such as ntfy://")
        integration = self._integration(scheme)
        problem = f"Apprise has no service with the scheme {scheme}://"
        if integration is not None:
            try:
                return ParsedUrl(integration, integration.parse_apprise_url(url))
            except AppriseUrlError as e:
                problem = str(e)
        canonical = _canonical(url)
        if canonical is not None and (other := self._integration(_scheme(canonical))):
            try:
                return ParsedUrl(other, other.parse_apprise_url(canonical))
            except AppriseUrlError as e:
                problem = str(e)
        raise UrlFormatError(problem)

    def compose(self, integration: Integration, values: Mapping[str, Any]) -> str:
        """Return the Apprise URL of an Apprise integration's cleaned form values."""
        if not isinstance(integration, AppriseIntegration):
            raise UrlFormatError(f"{integration.name} is not an Apprise service")
        try:
            return integration.apprise_url(values)
        except AppriseUrlError as e:
            raise UrlFormatError(str(e)) from None

    def read_file(self, text: str) -> list[ParsedUrl]:
        """Return the services of an Apprise configuration file (text or YAML)."""
        from desktop_integrations.plugins.apprise.config_file import read_config

        found = []
        for url, tag in read_config(text):
            parsed = self.parse(url)
            found.append(ParsedUrl(parsed.integration, parsed.data, tag))
        return found


def _canonical(url: str) -> str | None:
    """Return the URL as Apprise writes it, or None if Apprise does not read it."""
    import apprise

    server: Any = apprise.Apprise.instantiate(url.strip(), suppress_exceptions=True)
    return None if server is None else str(server.url(privacy=False))
