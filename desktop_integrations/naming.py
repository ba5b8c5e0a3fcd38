"""Names and places shared by integrations, extensions and plugins.

Kept apart from ``integration.py`` (which builds pydantic forms) so that the
plugin loader and the app's first window can use them without importing
pydantic.
"""

from __future__ import annotations

from pathlib import Path

#: Plugin modules from plugins folders are imported under this package, so a
#: plugin cannot shadow a standard or installed module. Default IDs leave it out.
PLUGIN_PACKAGE = "desktop_integrations_plugins"
#: The application's icons. A folder on disk, not a resource reader: Qt reads
#: icons from file paths (and this way importlib.resources is not imported).
_ICONS = Path(__file__).parent / "resources" / "icons"


def qualified_id(cls: type) -> str:
    """Return ``"<module>.<ClassName>"``, the default ID of an integration or extension.

    For a plugin module loaded from a plugins folder, the module is the
    plugin's own name.
    """
    module = cls.__module__.removeprefix(PLUGIN_PACKAGE + ".")
    return f"{module}.{cls.__name__}"


def static(relpath: str) -> str:
    """Return the path of a file in the application's ``resources/icons/``."""
    return str(_ICONS / relpath)
