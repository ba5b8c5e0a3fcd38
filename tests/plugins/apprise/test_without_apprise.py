"""Without Apprise installed, the app is as it was: no integration added, nothing imported."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

CHILD = textwrap.dedent(
    """
    import importlib.machinery, json, sys

    class HideApprise(importlib.machinery.PathFinder):
        @classmethod
        def find_spec(cls, name, path=None, target=None):
            if name.partition(".")[0] == "apprise":
                return None
            return importlib.machinery.PathFinder.find_spec(name, path, target)

    sys.meta_path = [
        HideApprise if f is importlib.machinery.PathFinder else f for f in sys.meta_path
    ]
    from desktop_integrations import ConfigStore, IntegrationManager
    from desktop_integrations.extensions.manager import ExtensionManager

    manager = IntegrationManager(ConfigStore(sys.argv[1]))
    extensions = ExtensionManager(manager, [sys.argv[2]], safe_mode=True)
    extensions.load()
    print(json.dumps({
        "errors": sorted(extensions.get_load_errors()),
        "ids": sorted(i.id for i in manager.get_integrations()),
        "imported": sorted(m for m in sys.modules if m.partition(".")[0] == "apprise"),
    }))
    """
)


def test_without_apprise_only_the_native_integrations_are_listed(tmp_path: Path) -> None:
    (tmp_path / "plugins").mkdir()
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "db.sqlite3"), str(tmp_path / "plugins")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["errors"] == []
    assert report["imported"] == []
    assert report["ids"] == [
        "builtin.discord",
        "builtin.email",
        "builtin.logfile",
        "builtin.matrix",
        "builtin.mattermost",
        "builtin.msteams",
        "builtin.slack",
        "builtin.webhook",
    ]
