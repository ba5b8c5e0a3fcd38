"""PySide6's scan of every imported module, made cheap.

Once PySide6 is imported, it replaces ``builtins.__import__``, and after each
import it asks of a module it has not seen yet whether its source mentions
"PySide6" (to support ``from __feature__ import snake_case``). It reads the
source with :func:`inspect.getsource`, which decodes the whole file and keeps
its lines in :mod:`linecache`: about 65 µs and the file's text in memory for
each of the two hundred modules the app imports before its window is ready.

:func:`speed_up` replaces that check with the same test on the file's bytes.
The answer is the same for every module whose source is a ``.py`` file, and
for a frozen standard module, whose ``__file__`` is the source it was frozen
from (``os``, ``codecs`` and ``importlib._bootstrap``: PySide6's check took
1 ms for these); a built-in or compiled extension module has no source, and
no check is needed to say so. Anything else (a module without a file, a
namespace package, a module from a zip) goes to PySide6's own check.

Nothing here imports Qt: it only acts on a PySide6 that is already imported.
Importing this module does it (the package imports it when a Qt program
imported PySide6 first, the app right after importing PySide6);
:func:`speed_up` does it again for a PySide6 imported later.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from importlib.machinery import EXTENSION_SUFFIXES
from types import ModuleType

#: Where PySide6 keeps the check (one module under two names).
_FEATURE_MODULES = ("PySide6.support.feature", "shibokensupport.feature")
#: The file name endings of compiled extension modules, which have no source.
_EXTENSIONS = tuple(EXTENSION_SUFFIXES)


def speed_up() -> bool:
    """Make PySide6's per-import source check read bytes; return whether it did."""
    done = False
    for name in _FEATURE_MODULES:
        feature = sys.modules.get(name)
        check = getattr(feature, "_mod_uses_pyside", None)
        if check is None or not callable(check) or getattr(check, "reads_bytes", False):
            continue
        feature._mod_uses_pyside = _bytes_check(check)  # type: ignore[union-attr]
        done = True
    return done


def _bytes_check(original: Callable[[ModuleType], object]) -> Callable[[ModuleType], object]:
    def uses_pyside(module: ModuleType) -> object:
        spec = getattr(module, "__spec__", None)
        origin = getattr(spec, "origin", None)
        located = getattr(spec, "has_location", False)
        if origin == "built-in" or (located and str(origin).endswith(_EXTENSIONS)):
            return False  # no source: PySide6's check says False too
        if origin == "frozen":
            # A frozen standard module (codecs, os, importlib._bootstrap...):
            # inspect reads the source file it was frozen from, its __file__.
            origin = getattr(module, "__file__", None)
            located = True
        if located and isinstance(origin, str) and origin.endswith(".py"):
            try:
                return b"PySide6" in _read(origin)
            except OSError:
                pass  # not a file of its own (a zip's member, say)
        return original(module)

    uses_pyside.reads_bytes = True  # type: ignore[attr-defined]
    return uses_pyside


def _read(path: str) -> bytes:
    # os-level calls: a buffered file object takes twice as long (about 8 µs).
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks = []
        while chunk := os.read(handle, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(handle)


speed_up()
