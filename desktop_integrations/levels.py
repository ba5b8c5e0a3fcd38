"""The levels of an event, kept free of pydantic so the command line can offer them cheaply."""

from __future__ import annotations

from typing import Literal

Level = Literal["info", "success", "warning", "error"]
#: The levels, least to most severe.
LEVELS: tuple[Level, ...] = ("info", "success", "warning", "error")
