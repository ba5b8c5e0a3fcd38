"""Content digests of plugin files, remembered by each file's status, as git's index does.

Hashing every plugin file on every start costs a read of each. A file's
status (device, inode, size, modification and change times) changes with
every write, so a digest stored with the status it was taken under holds
while that status is unchanged, with one exception: a write within the same
tick of the file system's clock as the status recorded leaves the times
unchanged. Like git's "racily clean" entries, a digest is therefore only
remembered for a file whose change time was already :data:`SETTLE` seconds
old when it was read; a newer file is hashed each time until then. The change
time cannot be set back by a user (``touch -d`` and ``os.utime`` set it to the
present), so putting an old modification time back does not hide an edit.

On Windows the change time is the creation time, which writes leave alone:
nothing is remembered there and every file is hashed.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from desktop_integrations.json_file import write_atomically

logger = logging.getLogger(__name__)

#: Seconds a file's last change must lie behind before its digest is remembered:
#: more than the coarsest timestamps in use (2 s on FAT) and the kernel's clock tick.
SETTLE = 3.0
_VERSION = 1


def _status(stat: os.stat_result) -> list[int]:
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


class DigestCache:
    """SHA-256 digests of files, valid while each file's status is unchanged.

    Safe to use from several threads. A cache file that cannot be read or
    written only means that files are hashed again.

    Args:
        path: The JSON file holding the digests (in the user cache folder).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._entries: dict[str, list[object]] = {}
        self._dirty = False
        self._trusted = os.name == "posix"
        try:
            with open(path, "rb") as file:
                if os.name == "posix":
                    # Another user's digests could make a stale bytecode entry look current.
                    stat = os.fstat(file.fileno())
                    if stat.st_uid != os.getuid() or stat.st_mode & 0o022:
                        raise ValueError("another user could have written it")
                loaded = json.loads(file.read())
            if isinstance(loaded, dict) and loaded.get("version") == _VERSION:
                self._entries = dict(loaded.get("files", {}))
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as e:
            logger.warning("Ignoring the plugin digest cache %s: %s", path, e)

    def known(self, path: str, stat: os.stat_result) -> bytes | None:
        """Return the digest of ``path`` remembered for this status, or None."""
        entry = self._entries.get(path)
        if entry is None or entry[:5] != _status(stat):
            return None
        try:
            return bytes.fromhex(str(entry[5]))
        except (IndexError, ValueError):
            return None

    def record(self, path: str, stat: os.stat_result, data: bytes, since: int) -> bytes:
        """Return the digest of ``data``, read from ``path`` after it had status ``stat``.

        Args:
            path: The file.
            stat: Its status, taken before ``data`` was read.
            data: Its contents.
            since: ``time.time_ns()`` from before ``stat`` was taken.
        """
        import hashlib  # not needed to open the app's window

        digest = hashlib.sha256(data).digest()
        settled = max(stat.st_mtime_ns, stat.st_ctime_ns) < since - int(SETTLE * 1e9)
        if self._trusted and settled:
            with self._lock:
                self._entries[path] = [*_status(stat), digest.hex()]
                self._dirty = True
        return digest

    def digest(self, path: str, stat: os.stat_result, since: int) -> bytes:
        """Return the digest of ``path``, reading the file unless its status is known.

        Args:
            path: The file.
            stat: Its status.
            since: ``time.time_ns()`` from before ``stat`` was taken.

        Raises:
            OSError: The file cannot be read.
        """
        known = self.known(path, stat)
        if known is not None:
            return known
        with open(path, "rb") as file:
            return self.record(path, stat, file.read(), since)

    def forget_missing(self, folders: list[str], seen: set[str]) -> None:
        """Drop the digests of files in ``folders`` that are not in ``seen`` (removed ones)."""
        prefixes = tuple(folder.rstrip(os.sep) + os.sep for folder in folders)
        with self._lock:
            gone = [p for p in self._entries if p.startswith(prefixes) and p not in seen]
            for path in gone:
                del self._entries[path]
            self._dirty = self._dirty or bool(gone)

    def save(self) -> None:
        """Write the digests, if any changed; a failure is logged, never raised."""
        with self._lock:
            if not self._dirty:
                return
            text = json.dumps({"version": _VERSION, "files": self._entries}, ensure_ascii=True)
            self._dirty = False
        try:
            write_atomically(self.path, text)
        except OSError as e:
            logger.warning("Cannot write the plugin digest cache %s: %s", self.path, e)
