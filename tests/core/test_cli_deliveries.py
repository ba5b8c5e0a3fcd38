"""notify and deliver count every delivery of the pipeline, plugins' included."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from desktop_integrations import ConfigStore, IntegrationManager
from desktop_integrations.delivery import DELIVERY_ID_HEADER, recent_deliveries
from desktop_integrations.plugins.webhook import WebhookIntegration
from tests.servers import recording_server

PLUGIN = """
from pydantic import Field

from desktop_integrations import Extension, IntegrationHook
from desktop_integrations.delivery import ServiceConfigForm, ServiceIntegration


class RelayForm(ServiceConfigForm):
    target: str = Field(title="Target")


class RelayIntegration(ServiceIntegration):
    integration_id = "relay.plugin"
    name = "Relay"
    config_form_cls = RelayForm

    def send(self, settings, event, pool):
        if settings["target"] == "crash":
            raise RuntimeError("relay bug")
        return pool.http.request("POST", settings["target"], content=event.title.encode())


class RelayExtension(Extension):
    name = "Relay"

    def initialize(self):
        IntegrationHook(self, RelayIntegration)
"""


def write_plugin(folder: Path) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "relay_plugin.py"
    path.write_text(PLUGIN)
    spec = importlib.util.spec_from_file_location("relay_plugin_for_setup", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.RelayIntegration


def save(data: Path, cls: type[Any], name: str, **settings: Any) -> None:
    store = ConfigStore(data / "integrations.sqlite3")
    manager = IntegrationManager(store)
    try:
        integration = manager.register_integration_class(cls)
        form = integration.build_config_form(data={"name": name, **settings})
        assert form.is_valid(), form.errors
        form.save()
    finally:
        manager.shutdown()
        store.close()


def run(data: Path, plugins: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop_integrations",
            "--data-dir",
            str(data),
            "--plugins-dir",
            str(plugins),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_notify_prints_every_delivery_of_built_ins_and_plugins_and_fails_without_traceback(
    tmp_path: Path,
) -> None:
    data, plugins = tmp_path / "data", tmp_path / "plugins"
    relay = write_plugin(plugins)
    with recording_server() as server:
        save(data, WebhookIntegration, "Hook", url=server.url + "/hook")
        save(data, relay, "Relay", target=server.url + "/relay")
        save(data, relay, "Broken", target="crash")
        result = run(data, plugins, "notify", "--title", "Deployed")
    assert result.returncode == 1
    lines = sorted(result.stdout.splitlines())
    assert len(lines) == 3
    assert (
        lines[0]
        == "FAILED     'Broken' (relay.plugin): Unexpected error: RuntimeError: relay bug after "
        + lines[0].rsplit(" after ", 1)[1]
    )
    assert lines[1].startswith("delivered  'Hook' (builtin.webhook): HTTP 200 OK")
    assert lines[2].startswith("delivered  'Relay' (relay.plugin): HTTP 200 OK")
    assert "Traceback" not in result.stderr
    assert sorted(r.path for r in server.requests) == ["/hook", "/relay"]
    store = ConfigStore(data / "integrations.sqlite3")
    try:
        logged = recent_deliveries(store)
    finally:
        store.close()
    assert sorted(d.config_name for d in logged) == ["Broken", "Hook", "Relay"]
    sent = {r.headers[DELIVERY_ID_HEADER] for r in server.requests}
    assert sent == {d.delivery_id for d in logged if d.ok}


def test_notify_with_nothing_enabled_says_so(tmp_path: Path) -> None:
    result = run(tmp_path / "data", tmp_path / "plugins", "notify", "--title", "Deployed")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "No enabled configuration matched the event.\n"


def test_notify_leaves_a_plugin_with_a_manifest_and_nothing_enabled_unimported(
    tmp_path: Path,
) -> None:
    # As the app starts: the manifest lists the plugin's integration, none of
    # which has an enabled configuration, so the event has nothing for it.
    data, plugins = tmp_path / "data", tmp_path / "plugins"
    marker = tmp_path / "imported-by.txt"
    plugins.mkdir(parents=True)
    (plugins / "pager.py").write_text(
        "import sys\n"
        f"with open({str(marker)!r}, 'a') as f:\n"
        "    f.write(' '.join(sys.argv) + '\\n')\n" + PLUGIN.replace("relay.plugin", "pager.plugin")
    )
    manifest = {
        "manifest_version": 1,
        "extensions": [
            {
                "id": "pager.RelayExtension",
                "integrations": [{"id": "pager.plugin", "name": "Pager", "description": "Pages."}],
            }
        ],
    }
    (plugins / "pager.manifest.json").write_text(json.dumps(manifest))
    with recording_server() as server:
        save(data, WebhookIntegration, "Hook", url=server.url + "/hook")
        result = run(data, plugins, "notify", "--title", "Deployed")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("delivered  'Hook' (builtin.webhook): HTTP 200 OK")
        listed = run(data, plugins, "list")
    assert listed.returncode == 0, listed.stderr
    importers = marker.read_text().splitlines()
    assert any(line.endswith(" list") for line in importers)  # a full load imports it
    assert not any(line.endswith(" notify --title Deployed") for line in importers)
