"""A bytecode cache for folder plugins, in the user cache folder, keyed by their contents.

Python's own ``__pycache__`` is not used for plugins: its entries are keyed by
whole-second modification times, so a plugin edited and rescanned within a
second could run stale code, and writing it would change the user's plugins
folder under its watcher. Here each module file has one entry, named after
its path, holding the interpreter's magic number, the SHA-256 of the source
it was compiled from, and the code; a changed source no longer matches and
is compiled again, and the entry replaced. The source's digest comes from a
:class:`~desktop_integrations.extensions.digests.DigestCache` while the file's
status is unchanged, so an unchanged plugin is not read, only its entry.
"""

from __future__ import annotations

import importlib.util
import logging
import marshal
import os
import sys
import tempfile
import threading
import time
import types
from collections.abc import Callable
from pathlib import Path

from desktop_integrations import paths
from desktop_integrations.extensions.digests import DigestCache

logger = logging.getLogger(__name__)

#: Interpreter version and optimisation level: bytecode of another is not used.
_TAG = importlib.util.MAGIC_NUMBER + bytes([sys.flags.optimize])
_defaults: dict[Path, BytecodeCache] = {}
_defaults_lock = threading.Lock()


class BytecodeCache:
    """Compiled plugin modules in ``folder``.

    Entries that another user owns or may write to are never read (they could
    hold any code); a folder that cannot be written just leaves plugins to be
    compiled on every import.

    Args:
        folder: Where the entries are kept (created, private, on first write).
        digests: The sources' digests, by file status.
    """

    def __init__(self, folder: Path, digests: DigestCache) -> None:
        self.folder = folder
        self.digests = digests

    @classmethod
    def default(cls) -> BytecodeCache:
        """The cache in the user cache folder (one instance per folder and process)."""
        folder = paths.cache_dir()
        with _defaults_lock:
            cache = _defaults.get(folder)
            if cache is None:
                digests = DigestCache(folder / "plugin-digests.json")
                cache = _defaults[folder] = cls(folder / "plugin-bytecode", digests)
        return cache

    def _entry(self, path: str) -> str:
        import hashlib  # imported here: the app's window opens without it (OpenSSL's start-up)

        name = hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        return os.path.join(self.folder, name + ".pyc")

    def code(
        self,
        path: str,
        read_source: Callable[[str], bytes],
        compile_source: Callable[[bytes, str], types.CodeType],
    ) -> types.CodeType:
        """Return the code of the module file ``path``.

        From the cache if it holds the file's present source; otherwise read
        with ``read_source(path)``, compiled with ``compile_source(source,
        path)`` and stored.
        """
        since = time.time_ns()
        stat = os.stat(path)
        entry = self._entry(path)
        digest = self.digests.known(path, stat)
        if digest is not None:
            code = self._load(entry, path, digest)
            if code is not None:
                return code
        source = read_source(path)
        digest = self.digests.record(path, stat, source, since)
        code = self._load(entry, path, digest)
        if code is None:
            code = compile_source(source, path)
            self._write(entry, _TAG + digest + marshal.dumps(code))
        return code

    def _load(self, entry: str, path: str, digest: bytes) -> types.CodeType | None:
        header = _TAG + digest
        data = self._read(entry)
        if data is None or not data.startswith(header):
            return None
        try:
            code = marshal.loads(data[len(header) :])
        except (EOFError, ValueError, TypeError):
            return None
        if isinstance(code, types.CodeType) and code.co_filename == path:
            return code
        return None

    def _read(self, entry: str) -> bytes | None:
        # os-level calls: a buffered file object costs twice the system calls, each
        # a chance for the interpreter lock to change hands while plugins import.
        try:
            handle = os.open(entry, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except OSError:
            return None
        try:
            stat = os.fstat(handle)
            if os.name == "posix" and (stat.st_uid != os.getuid() or stat.st_mode & 0o022):
                logger.warning("Ignoring %s: another user could have written it", entry)
                return None
            data = os.read(handle, stat.st_size + 1)
            if len(data) != stat.st_size:  # it changed since its status was taken
                chunks = [data]
                while chunk := os.read(handle, 1 << 16):
                    chunks.append(chunk)
                data = b"".join(chunks)
            return data
        except OSError:
            return None
        finally:
            os.close(handle)

    def _write(self, entry: str, data: bytes) -> None:
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(data)
                os.replace(temporary, entry)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as e:
            logger.debug("Cannot cache the bytecode of a plugin in %s: %s", self.folder, e)
