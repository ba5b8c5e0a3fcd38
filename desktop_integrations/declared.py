"""DeclaredIntegration: an integration listed from its plugin's manifest, not yet imported."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_integrations.icon_tile import LetterTile


class DeclaredIntegration:
    """What a plugin's manifest says of one of its integrations.

    It has the attributes a list of integrations shows (``id``, ``name``,
    ``description``, ``icon_static_urls``, ``keywords``), so it can be listed
    in the integration's place until its plugin is imported, which
    :meth:`load` does.

    Attributes:
        id: The integration's ID.
        name: Its name.
        description: Its description.
        icon_static_urls: Its icon files, ``{"1x": path, "2x": path}``.
        plugin: The name of the plugin that provides it.
        keywords: More words that find it in the app's search.
        importer: Imports the plugin.
    """

    # A plain class: a dataclass takes 0.3 ms to define, before the app's window is
    # ready; a declared integration stands in for a class, so it is compared by identity.
    __slots__ = ("description", "icon_static_urls", "id", "importer", "keywords", "name", "plugin")

    def __init__(
        self,
        id: str,
        name: str,
        description: str,
        icon_static_urls: Mapping[str, str],
        plugin: str,
        importer: Callable[[], object],
        keywords: tuple[str, ...] = (),
    ) -> None:
        self.id = id
        self.name = name
        self.description = description
        self.icon_static_urls = icon_static_urls
        self.plugin = plugin
        self.importer = importer
        self.keywords = keywords

    def __repr__(self) -> str:
        return f"DeclaredIntegration({self.id!r}, {self.name!r}, plugin={self.plugin!r})"

    @property
    def icon_tile(self) -> LetterTile | None:
        """None: a declared integration without icon files gets the generated fallback."""
        return None

    def load(self) -> None:
        """Import the plugin, which registers the real integration (or reports why not)."""
        self.importer()
