"""Letter tiles: generated icons described without Qt (the UI draws them)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass


@dataclass(frozen=True)
class LetterTile:
    """A rounded square in one colour with a white letter on it.

    Attributes:
        letter: The upper-case letter (or digit) shown.
        hue: The tile's hue, 0 to 359, at a fixed saturation and lightness.
    """

    letter: str
    hue: int


def letter_tile(key: str, label: str) -> LetterTile:
    """Return the tile of ``label``'s first letter in a colour derived from ``key``.

    The colour is stable across runs and machines, so an integration keeps its look.
    """
    letter = next((c for c in label if c.isalnum()), "?").upper()
    return LetterTile(letter=letter, hue=zlib.crc32(key.encode()) % 360)
