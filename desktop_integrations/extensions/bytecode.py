"""A bytecode cache for folder plugins, in the user cache folder, keyed by their contents.

Python's own ``__pycache__`` is not used for plugins: its entries are keyed by
whole-second modification times, so a plugin edited and rescanned within a
second could run stale code, and writing it would change the user's plugins
folder under its watcher. Here each module file has one entry, named after
its path, holding the interpreter's magic number, the SHA-256 of the source
it was compiled from, and the code; a changed source no longer matches and
is compiled again, and the entry replaced.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import marshal
import os
import sys
import tempfile
import types
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

#: Interpreter version and optimisation level: bytecode of another is not used.
_TAG = importlib.util.MAGIC_NUMBER + bytes([sys.flags.optimize])


class BytecodeCache:
    """Compiled plugin modules in ``folder``.

    Entries that another user owns or may write to are never read (they could
    hold any code); a folder that cannot be written just leaves plugins to be
    compiled on every import.

    Args:
        folder: Where the entries are kept (created, private, on first write).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _entry(self, path: str) -> Path:
        return self.folder / (
            hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()[:32] + ".pyc"
        )

    def code(
        self, path: str, source: bytes, compile_source: Callable[[bytes, str], types.CodeType]
    ) -> types.CodeType:
        """Return the code of the module file ``path`` holding ``source``.

        From the cache if it holds that very source; otherwise compiled with
        ``compile_source(source, path)`` and stored.
        """
        digest = hashlib.sha256(source).digest()
        header = _TAG + digest
        entry = self._entry(path)
        data = self._read(entry)
        if data is not None and data.startswith(header):
            try:
                code = marshal.loads(data[len(header) :])
            except (EOFError, ValueError, TypeError):
                code = None
            if isinstance(code, types.CodeType) and code.co_filename == path:
                return code
        code = compile_source(source, path)
        self._write(entry, header + marshal.dumps(code))
        return code

    def _read(self, entry: Path) -> bytes | None:
        try:
            with open(entry, "rb") as file:
                if os.name == "posix":
                    stat = os.fstat(file.fileno())
                    if stat.st_uid != os.getuid() or stat.st_mode & 0o022:
                        logger.warning("Ignoring %s: another user could have written it", entry)
                        return None
                return file.read()
        except OSError:
            return None

    def _write(self, entry: Path, data: bytes) -> None:
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
