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
