"""Messages about folders the app shows in the file manager."""

from __future__ import annotations

from pathlib import Path


def no_file_manager(folder: Path) -> str:
    """Say that no file manager opened ``folder``, with its path to copy."""
    return (
        f"No file manager could open the plugins folder. Its path is {folder} "
        "(select it here to copy it)."
    )
