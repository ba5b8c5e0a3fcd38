"""PySide6's scan of each imported module reads bytes, and decides as PySide6 does."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

# Run in a fresh interpreter: PySide6 first (as a Qt program that embeds the
# package does), then the package, then modules that do and do not use PySide6.
CHILD = textwrap.dedent(
    """
    import json, linecache, sys
    import PySide6.QtCore
    import desktop_integrations
    sys.path[:0] = [sys.argv[1], sys.argv[2]]
    import uses_qt, plain, zipped
    feature = sys.modules["PySide6.support.feature"]
    print(json.dumps({
        "verdicts": {name: feature.pyside_feature_dict.get(name)
                     for name in ("uses_qt", "plain", "zipped")},
        "in_linecache": sorted(name for name in ("uses_qt", "plain")
                               if sys.modules[name].__file__ in linecache.cache),
    }))
    """
)


def test_modules_are_sorted_as_pyside_does_without_keeping_their_source(tmp_path: Path) -> None:
    (tmp_path / "uses_qt.py").write_text("from PySide6.QtCore import QObject\n")
    (tmp_path / "plain.py").write_text("VALUE = 1\n")
    with zipfile.ZipFile(tmp_path / "lib.zip", "w") as archive:
        archive.writestr("zipped.py", "import PySide6\n")
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path), str(tmp_path / "lib.zip")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # 0: the module uses PySide6 (its feature selection applies); -1: it is ignored.
    # The zipped one has no file of its own and goes to PySide6's own check.
    assert report["verdicts"] == {"uses_qt": 0, "plain": -1, "zipped": 0}
    # PySide6's own check decodes each module's source into linecache; this one does not.
    assert report["in_linecache"] == []


# PySide6's own check, and the package's, on modules of every kind the standard
# library has: frozen (whose source is their __file__), built-in, compiled, plain.
COMPARE = textwrap.dedent(
    """
    import json, linecache, sys
    import PySide6.QtCore
    feature = sys.modules["PySide6.support.feature"]
    pyside_check = feature._mod_uses_pyside
    import desktop_integrations
    ours = feature._mod_uses_pyside
    import runpy, math, gc, json.decoder, PySide6
    names = ("runpy", "os", "codecs", "math", "gc", "sys", "json.decoder", "PySide6")
    verdicts = {name: bool(ours(sys.modules[name])) for name in names}
    read_in = [name for name in names if getattr(sys.modules[name], "__file__", None)
               in linecache.cache]
    print(json.dumps({
        "ours": verdicts,
        "pyside": {name: bool(pyside_check(sys.modules[name])) for name in names},
        "in_linecache": read_in,
    }))
    """
)


def test_frozen_built_in_and_compiled_modules_get_pyside_s_answer_without_its_reading() -> None:
    result = subprocess.run(
        [sys.executable, "-c", COMPARE], capture_output=True, text=True, timeout=60, check=True
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["ours"] == report["pyside"]
    assert report["ours"]["PySide6"] and not report["ours"]["runpy"]
    # First seen once the package was imported, the frozen runpy's source was read
    # as bytes, not decoded into linecache. (os and PySide6 were seen before.)
    assert "runpy" not in report["in_linecache"]
