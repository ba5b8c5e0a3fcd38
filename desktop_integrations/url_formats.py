"""URL formats: configurations written as one URL, such as Apprise's ``ntfy://host/topic``.

A plugin whose services have such a form registers a :class:`UrlFormat` with
:class:`UrlFormatHook`. The app then offers "Add from <format>…" (a pasted
URL opens the matching integration's dialog pre-filled), "Copy as <format>"
in that dialog, and the command line imports files of such URLs.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from desktop_integrations.errors import IntegrationError
from desktop_integrations.hooks import Hook

if TYPE_CHECKING:
    from desktop_integrations.integration import Integration


class UrlFormatError(IntegrationError):
    """A URL (or a file of URLs) is not one the format reads, or settings make no URL."""


class ParsedUrl(NamedTuple):
    """What a URL holds: the integration it configures and that form's data.

    Attributes:
        integration: The registered integration the URL is for.
        data: Form data by field name, without ``name`` and ``enabled``.
        name: A name for the configuration the URL came with (a tag), or empty.
    """

    integration: Integration
    data: Mapping[str, Any] = MappingProxyType({})
    name: str = ""


class UrlFormat:
    """A way of writing configurations as URLs; subclasses implement its methods.

    Attributes:
        name: What the URLs are called, as menus show it: ``"Apprise URL"``.
        warning: What to tell a user before copying a URL (it holds secrets).
    """

    name: str = ""
    warning: str = "The URL holds the configuration's passwords and tokens in plain text."

    def handles(self, integration: Integration) -> bool:
        """Return whether the integration's configurations can be written as URLs."""
        raise NotImplementedError

    def parse(self, url: str) -> ParsedUrl:
        """Return the integration and form data a URL holds.

        Raises:
            UrlFormatError: No registered integration reads the URL; says why.
        """
        raise NotImplementedError

    def compose(self, integration: Integration, values: Mapping[str, Any]) -> str:
        """Return the URL of a configuration's cleaned form values.

        Raises:
            UrlFormatError: The settings make no URL; says why.
        """
        raise NotImplementedError

    def read_file(self, text: str) -> list[ParsedUrl]:
        """Return what each URL in a configuration file of this format holds.

        Raises:
            UrlFormatError: The file cannot be read as such; says why.
        """
        raise NotImplementedError


_formats: list[UrlFormat] = []
_lock = threading.Lock()


def register_url_format(url_format: UrlFormat) -> None:
    """Offer ``url_format`` in the app and the command line."""
    with _lock:
        if url_format not in _formats:
            _formats.append(url_format)


def unregister_url_format(url_format: UrlFormat) -> None:
    """Withdraw a format registered with :func:`register_url_format`, if it is."""
    with _lock:
        if url_format in _formats:
            _formats.remove(url_format)


def url_formats() -> list[UrlFormat]:
    """Return the registered formats, in registration order."""
    with _lock:
        return list(_formats)


def format_for(integration: Integration) -> UrlFormat | None:
    """Return the first registered format that writes ``integration``'s configurations."""
    return next((f for f in url_formats() if f.handles(integration)), None)


class UrlFormatHook(Hook):
    """Registers a :class:`UrlFormat` while its extension is enabled."""

    def initialize(self, url_format: UrlFormat, *args: Any, **kwargs: Any) -> None:
        """Register ``url_format``."""
        self.url_format = url_format
        register_url_format(url_format)

    def shutdown(self) -> None:
        """Unregister the format."""
        unregister_url_format(self.url_format)
