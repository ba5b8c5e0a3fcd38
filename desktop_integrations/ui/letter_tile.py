"""Drawing letter tiles, the generated icons that the core describes."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from desktop_integrations.icon_tile import LetterTile

_tiles: dict[LetterTile, QIcon] = {}


def _pixmap(tile: LetterTile, size: QSize) -> QPixmap:
    pixmap = QPixmap(size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor.fromHsl(tile.hue, 140, 110))
    side = size.width()
    painter.drawRoundedRect(QRectF(0, 0, side, side), side / 5, side / 5)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(side * 0.55))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, side, side), Qt.AlignmentFlag.AlignCenter, tile.letter)
    painter.end()
    return pixmap


def tile_icon(tile: LetterTile, sizes: tuple[QSize, ...]) -> QIcon:
    """Return the icon of ``tile`` at each of ``sizes`` (1x and 2x), drawn once and cached."""
    icon = _tiles.get(tile)
    if icon is None:
        icon = QIcon()
        for size in sizes:
            icon.addPixmap(_pixmap(tile, size))
        _tiles[tile] = icon
    return icon
