"""Icons: integrations' 1x/2x icons, generated fallbacks, and the app's own icons."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImageReader

from desktop_integrations.naming import static

if TYPE_CHECKING:
    from desktop_integrations.declared import DeclaredIntegration
    from desktop_integrations.icon_tile import LetterTile
    from desktop_integrations.integration import Integration

logger = logging.getLogger(__name__)

#: Sizes of the 1x and 2x icon files, in pixels.
ICON_SIZES = {"1x": QSize(48, 48), "2x": QSize(96, 96)}

_integration_icons: dict[tuple[str, tuple[tuple[str, str], ...]], QIcon] = {}
_named_icons: dict[str, QIcon] = {}


def _readable(path: str | None) -> bool:
    if not path or not Path(path).is_file():
        return False
    reader = QImageReader(path)
    return reader.canRead() and not reader.size().isEmpty()


def fallback_icon(key: str, label: str) -> QIcon:
    """Return a generated icon: ``label``'s initial on a colour derived from ``key``.

    The colour is stable across runs, so an integration keeps its look.
    """
    from desktop_integrations.icon_tile import letter_tile

    return _drawn(letter_tile(key, label))


def _drawn(tile: LetterTile) -> QIcon:
    # Imported here: the built-in integrations have icon files, and the types
    # a tile is painted with cost start-up time to set up.
    from desktop_integrations.ui.letter_tile import tile_icon

    return tile_icon(tile, tuple(ICON_SIZES.values()))


def icon_from_files(paths: Mapping[str, str], key: str, label: str) -> QIcon:
    """Return an icon holding the 1x and 2x files, or a fallback if neither is readable.

    Logs one warning naming every missing or unreadable file.
    """
    readable = {res: path for res, path in paths.items() if res in ICON_SIZES and _readable(path)}
    broken = [
        f"{res}: {paths.get(res) or 'not given'}" for res in ICON_SIZES if res not in readable
    ]
    if broken:
        logger.warning(
            "Icon of %r: missing or unreadable file(s) (%s)%s",
            key,
            "; ".join(broken),
            "" if readable else "; using a generated icon",
        )
    if not readable:
        return fallback_icon(key, label)
    icon = QIcon()
    for res, path in readable.items():
        icon.addFile(path, ICON_SIZES[res])
    return icon


def integration_icon(integration: Integration | DeclaredIntegration) -> QIcon:
    """Return the integration's icon, with both its 1x and 2x images.

    A declared integration (listed from its plugin's manifest) has its icon
    from the manifest's files, which are the integration's own.

    A missing or broken icon gives a generated fallback and one logged
    warning; the icon is built once per integration and then cached.
    """
    try:
        paths = {str(k): str(v) for k, v in (integration.icon_static_urls or {}).items()}
    except Exception:
        logger.exception("icon_static_urls of %r failed", integration.id)
        paths = {}
    if not paths:
        tile = _tile_of(integration)
        if tile is not None:  # a generated icon by design: nothing to warn about
            return _drawn(tile)
    # Keyed by the files too: a reloaded plugin may point at new ones.
    key = (integration.id, tuple(sorted(paths.items())))
    icon = _integration_icons.get(key)
    if icon is None:
        icon = _integration_icons[key] = icon_from_files(paths, integration.id, integration.name)
    return icon


def _tile_of(integration: Integration | DeclaredIntegration) -> LetterTile | None:
    try:
        return integration.icon_tile
    except Exception:
        logger.exception("icon_tile of %r failed", integration.id)
        return None


def app_icon(name: str) -> QIcon:
    """Return one of the app's icons from ``resources/icons`` (``"app"``, ``"action-add"``...).

    A missing file gives an empty icon (actions then show their text alone),
    logged once. The files ship with the app, so they are not decoded here
    but when first drawn.
    """
    icon = _named_icons.get(name)
    if icon is None:
        paths = {"1x": static(f"{name}.png"), "2x": static(f"{name}@2x.png")}
        readable = {res: path for res, path in paths.items() if Path(path).is_file()}
        if not readable:
            logger.warning("The app icon %r is missing from %s", name, Path(paths["1x"]).parent)
        icon = QIcon()
        for res, path in readable.items():
            icon.addFile(path, ICON_SIZES[res])
        _named_icons[name] = icon
    return icon
