"""Keeping the SQLite database's folder and files the user's alone.

The data folder is 0700, and the database with its -wal and -shm files 0600,
as the secrets' key file is. A data folder that an earlier version created
open to others is tightened when the store opens it. A folder the user does
not own is left as it is, and so is a folder chosen for the database outside
the data folder (it may be shared on purpose): the log says so instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

from desktop_integrations import paths

logger = logging.getLogger(__name__)

_OTHERS = stat.S_IRWXG | stat.S_IRWXO


def restrict_folder(folder: Path) -> str | None:
    """Make the data folder readable only by the user, if it is theirs.

    Args:
        folder: The folder holding the database.

    Returns:
        A message for the user when the data folder stays open to others
        because another user owns it; None otherwise.
    """
    if os.name == "nt":  # Windows keeps access in ACLs, not in these bits
        return None
    try:
        status = folder.stat()
        mode = stat.S_IMODE(status.st_mode)
        if not mode & _OTHERS:
            return None
        if folder.resolve() != paths.data_dir().resolve():
            logger.warning(
                "Other users can open the folder %s that holds the database (mode %o); "
                "it is not the data folder, so it was left as it is",
                folder,
                mode,
            )
            return None
        if status.st_uid != os.getuid():
            message = (
                f"Other users can open the data folder {folder} (mode {mode:o}), and it "
                f"belongs to another user, so it was left as it is: ask its owner to "
                f"run chmod 700 on it."
            )
            logger.warning("%s", message)
            return message
        folder.chmod(mode & ~_OTHERS)
        logger.info("Restricted the data folder %s to its owner (it was mode %o)", folder, mode)
    except OSError as e:
        logger.warning(
            "Cannot restrict the data folder %s to its owner: %s", folder, e.strerror or e
        )
    return None


def make_private(path: Path) -> None:
    """Create the database file readable only by the user; restrict it, -wal and -shm.

    SQLite gives the -wal and -shm files the database file's mode.
    """
    try:
        if not path.exists():
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if file.exists() and file.stat().st_mode & _OTHERS:
                file.chmod(0o600)
    except OSError as e:
        # A read-only or foreign file still opens; saving reports the problem.
        logger.warning("Cannot restrict the database's permissions: %s", e.strerror or e)
