"""The example plugin, dropped into a plugins folder as a user would."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.events import Event, emit
from desktop_integrations.extensions.manager import ExtensionManager
from tests.plugins.test_extension_manager import BROKEN, good, write_plugin

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plugins" / "myplugin"


def drop_example(plugins: Path) -> Path:
    """Copy the example plugin into ``plugins`` with the permissions a user's copy has."""
    target = plugins / "myplugin"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("__pycache__"))
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


@pytest.fixture
def plugins(tmp_path: Path) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir()
    return folder


@pytest.fixture
def extensions(manager: IntegrationManager, plugins: Path) -> Iterator[ExtensionManager]:
    extension_manager = ExtensionManager(manager, [plugins])
    extension_manager.load()
    yield extension_manager
    extension_manager.shutdown()


class Endpoint(BaseHTTPRequestHandler):
    received: list[dict[str, Any]]

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []
    handler = type("Recorder", (Endpoint,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()
    thread.join()


def test_dropping_in_and_deleting_the_example_keeps_its_configurations(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path
) -> None:
    target = drop_example(plugins)
    assert extensions.rescan() is True

    integration = manager.get_integration("myplugin.MyIntegration")
    assert integration.name == "My Integration"
    assert extensions.get_extension("myplugin.MyExtension").name == "My Extension"
    icons = integration.icon_static_urls
    assert Path(icons["1x"]) == target / "icons" / "my-integration.png"
    assert all(Path(path).is_file() for path in icons.values())
    form = integration.build_config_form(data={"name": "Team hook", "client_id": "xyz"})
    config = form.save()

    shutil.rmtree(target)
    assert extensions.rescan() is True
    assert not manager.is_registered("myplugin.MyIntegration")
    kept = manager.get_integration_configs("myplugin.MyIntegration")
    assert [(c.id, c.name, c.is_available) for c in kept] == [(config.id, "Team hook", False)]

    drop_example(plugins)
    assert extensions.rescan() is True
    back = manager.get_integration("myplugin.MyIntegration").get_configs()
    assert [(c.id, c.get("client_id"), c.get("endpoint_url")) for c in back] == [
        (config.id, "xyz", "https://example.com/endpoint/")
    ]
    assert extensions.get_load_errors() == {}


def test_the_example_posts_events_to_its_endpoint(
    extensions: ExtensionManager,
    manager: IntegrationManager,
    plugins: Path,
    endpoint: tuple[str, list[dict[str, Any]]],
) -> None:
    url, received = endpoint
    drop_example(plugins)
    extensions.rescan()
    integration = manager.get_integration("myplugin.MyIntegration")
    integration.create_config(
        enabled=True, name="Local", settings={"endpoint_url": url, "client_id": "c-1"}, save=True
    )

    emit(Event(title="Build failed", body="3 tests failed", level="error")).wait(timeout=30)

    assert received == [
        {"client_id": "c-1", "title": "Build failed", "body": "3 tests failed", "level": "error"}
    ]


def test_a_folder_of_broken_plugins_loads_the_good_one_and_reports_each(
    manager: IntegrationManager, plugins: Path
) -> None:
    drop_example(plugins)
    write_plugin(plugins, "alpha.py", good("Alpha"))  # its integration ID gets copied
    paths = {
        kind: write_plugin(plugins, f"{kind}.py", source) for kind, (source, _) in BROKEN.items()
    }
    paths["unsafe"] = write_plugin(plugins, "unsafe.py", "print('ran')\n", mode=0o666)
    extensions = ExtensionManager(manager, [plugins])
    extensions.load()
    try:
        assert manager.is_registered("myplugin.MyIntegration")
        assert manager.get_integration("alpha.AlphaIntegration").name == "Alpha"
        errors = extensions.get_load_errors()
        assert set(errors) == set(paths)
        for kind, error in errors.items():
            cause = BROKEN[kind][1] if kind in BROKEN else "can be written by everyone"
            assert str(paths[kind]) in error.message
            assert cause in error.message
    finally:
        extensions.shutdown()
