"""Start-up reads Apprise's services from a cached catalogue, without importing Apprise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from desktop_integrations.plugins.apprise.catalogue import CATALOGUE_NAME

pytest.importorskip("apprise")

CHILD = textwrap.dedent(
    """
    import json, sys
    from desktop_integrations import ConfigStore, IntegrationManager
    from desktop_integrations.extensions.manager import ExtensionManager

    manager = IntegrationManager(ConfigStore(sys.argv[1]))
    extensions = ExtensionManager(manager, [sys.argv[2]], safe_mode=True)
    extensions.load()
    registered = {
        i.id: [i.name, i.description, list(i.keywords)]
        for i in manager.get_integrations()
        if i.id.startswith("apprise.")
    }
    imported_at_start = "apprise" in sys.modules
    json_service = manager.get_integration("apprise.json")
    form = json_service.build_config_form(
        data={"name": "Hook", "use_tls": False, "host": "example.org", "port": 8080, "path": "/in"}
    )
    assert form.is_valid(), form.errors
    url = json_service.apprise_url(form.cleaned_data)
    print(json.dumps({
        "errors": sorted(extensions.get_load_errors()),
        "registered": registered,
        "imported_at_start": imported_at_start,
        "url": url,
        "parsed": json_service.parse_apprise_url(url),
    }))
    """
)


def _start(tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "plugins").mkdir(exist_ok=True)
    env = {**os.environ, "DESKTOP_INTEGRATIONS_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "db.sqlite3"), str(tmp_path / "plugins")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    assert report["errors"] == []
    return report


def test_a_second_start_registers_the_same_services_without_importing_apprise(
    tmp_path: Path,
) -> None:
    first = _start(tmp_path)
    assert (tmp_path / "cache" / CATALOGUE_NAME).is_file()
    second = _start(tmp_path)
    assert len(second["registered"]) > 100
    assert second["registered"] == first["registered"]
    assert second["imported_at_start"] is False
    assert (second["url"], second["parsed"]) == (first["url"], first["parsed"])
    assert second["url"] == "json://example.org:8080/in"


def test_a_catalogue_of_another_apprise_version_is_rebuilt(tmp_path: Path) -> None:
    first = _start(tmp_path)
    catalogue = tmp_path / "cache" / CATALOGUE_NAME
    document = json.loads(catalogue.read_text())
    real_key = dict(document["key"])
    document["key"]["apprise"] = "0.0.1"
    document["services"] = document["services"][:3]  # what an old Apprise knew
    catalogue.write_text(json.dumps(document))
    rebuilt = _start(tmp_path)
    assert rebuilt["imported_at_start"] is True
    assert rebuilt["registered"] == first["registered"]
    assert json.loads(catalogue.read_text())["key"] == real_key


@pytest.mark.parametrize(
    "damage",
    ["{not json", '{"key": 1}', "[]", '{"key": null, "services": [{"name": 3}]}'],
)
def test_a_damaged_catalogue_is_rebuilt_silently(tmp_path: Path, damage: str) -> None:
    first = _start(tmp_path)
    catalogue = tmp_path / "cache" / CATALOGUE_NAME
    key = json.loads(catalogue.read_text())["key"]
    if damage.startswith('{"key": null'):
        damage = damage.replace("null", json.dumps(key))
    catalogue.write_text(damage)
    again = _start(tmp_path)
    assert again["registered"] == first["registered"]
    assert json.loads(catalogue.read_text())["key"] == key
    assert _start(tmp_path)["imported_at_start"] is False
