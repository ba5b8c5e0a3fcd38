"""Writing a file whole or not at all, as the caches in the user cache folder are."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it, then rename it.

    A reader sees the old file or the new one, never part of one; the folder
    is created if missing.

    Raises:
        OSError: The folder or file cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_json(path: Path, document: Any) -> None:
    """Write ``document`` as JSON (ASCII) with :func:`write_atomically`.

    Raises:
        OSError: The folder or file cannot be written.
    """
    write_atomically(path, json.dumps(document, ensure_ascii=True))
