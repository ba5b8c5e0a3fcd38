"""The example plugin (examples/plugins/ntfy), dropped into a plugins folder as a user would."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_integrations import (
    ConfigStore,
    Event,
    ExtensionManager,
    Integration,
    IntegrationManager,
    emit,
    recent_deliveries,
)
from desktop_integrations.delivery import set_delivery_pool
from tests.plugins.test_extension_manager import BROKEN, good, write_plugin
from tests.servers import RecordingServer, closed_port_url, fast_pool

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plugins" / "ntfy"
INTEGRATION_ID = "examples.ntfy"


def drop_example(plugins: Path) -> Path:
    """Copy the example plugin into ``plugins`` with the permissions a user's copy has."""
    target = plugins / "ntfy"
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
    pool = fast_pool()
    set_delivery_pool(pool)
    extension_manager = ExtensionManager(manager, [plugins])
    extension_manager.load()
    yield extension_manager
    extension_manager.shutdown()
    set_delivery_pool(None)
    pool.shutdown()


@pytest.fixture
def ntfy(extensions: ExtensionManager, manager: IntegrationManager, plugins: Path) -> Integration:
    drop_example(plugins)
    assert extensions.rescan() is True
    assert extensions.get_load_errors() == {}
    return manager.get_integration(INTEGRATION_ID)


def configure(ntfy: Integration, server_url: str, **data: object) -> int:
    form = ntfy.build_config_form(
        data={"name": "Phone", "server": server_url, "topic": "ci-alerts-7f3a", **data}
    )
    assert form.is_valid(), form.errors
    config_id = form.save().id
    assert config_id is not None
    return config_id


EVENT = Event(
    kind="build.failed",
    title="Build #42 failed",
    body="3 tests failed",
    url="https://ci.example.com/42",
    fields={"branch": "main"},
    level="error",
)


def test_the_example_loads_with_its_icons(ntfy: Integration, plugins: Path) -> None:
    assert ntfy.name == "ntfy"
    icons = ntfy.icon_static_urls
    assert Path(icons["1x"]) == plugins / "ntfy" / "icons" / "ntfy.png"
    sizes = [struct.unpack(">II", Path(icons[scale]).read_bytes()[16:24]) for scale in icons]
    assert sizes == [(48, 48), (96, 96)]  # the PNG header's width and height


def test_an_event_is_published_as_ntfy_json(ntfy: Integration, server: RecordingServer) -> None:
    configure(ntfy, server.url, tags=["ci"])

    [delivery] = emit(EVENT).wait(30)

    assert delivery.ok, delivery.error
    [request] = server.requests
    assert request.path == "/"
    assert request.json() == {
        "topic": "ci-alerts-7f3a",
        "title": "Build #42 failed",
        "message": "3 tests failed\nbranch: main",
        "priority": 5,
        "tags": ["rotating_light", "ci"],
        "click": "https://ci.example.com/42",
    }
    assert "authorization" not in {name.lower() for name in request.headers}
    [logged] = recent_deliveries(ntfy.integration_mgr.store)
    assert (logged.config_name, logged.integration_id, logged.ok) == ("Phone", INTEGRATION_ID, True)


def test_the_token_is_sent_only_when_logging_in_is_on(
    ntfy: Integration, server: RecordingServer
) -> None:
    configure(ntfy, server.url, use_token=True, token="tk_s3cret", priority="low")

    emit(Event(title="Deployed", level="success")).wait(30)

    [request] = server.requests
    assert request.headers["Authorization"] == "Bearer tk_s3cret"
    assert request.json()["priority"] == 2
    assert request.json()["message"] == "Deployed"


def test_conditions_choose_the_events_sent(ntfy: Integration, server: RecordingServer) -> None:
    only_errors = {
        "mode": "all",
        "rules": [{"choice": "level", "operator": "is", "value": "error"}],
    }
    configure(ntfy, server.url, conditions=only_errors)

    assert emit(Event(title="All green", level="success")).wait(30) == []
    emit(EVENT).wait(30)

    assert [r.json()["title"] for r in server.requests] == ["Build #42 failed"]


def test_a_refusal_and_an_unreachable_server_are_failed_deliveries(
    ntfy: Integration, server: RecordingServer
) -> None:
    server.reply(403, body=b'{"code":40301,"error":"forbidden"}')
    configure(ntfy, server.url)
    configure(ntfy, closed_port_url())

    deliveries = emit(EVENT).wait(30)

    assert sorted(d.status for d in deliveries) == ["failed", "failed"]
    errors = " | ".join(d.error for d in deliveries)
    assert "The service refused the message" in errors and "forbidden" in errors
    assert "Could not connect to http://127.0.0.1" in errors


def test_the_form_checks_the_topic_and_skips_a_hidden_token(ntfy: Integration) -> None:
    blank = ntfy.build_config_form(data={"name": "x", "topic": "  "})
    spaced = ntfy.build_config_form(data={"name": "x", "topic": "my topic"})
    hidden = ntfy.build_config_form(data={"name": "x", "topic": "t", "token": "left over"})

    assert blank.errors == {"topic": ["This field is required."]}
    assert spaced.errors == {"topic": ["Use up to 64 letters, digits, - and _."]}
    assert hidden.is_valid() and hidden.inactive_fields == {"token"}
    assert ntfy.secret_fields == {"token"}


def test_the_test_event_button_sends_through_the_pipeline(
    ntfy: Integration, server: RecordingServer
) -> None:
    config_id = configure(ntfy, server.url)
    config = ntfy.integration_mgr.get_config(config_id)
    assert config is not None

    delivery = ntfy.send_test_event(config).result(30)  # type: ignore[attr-defined]

    assert delivery.ok
    assert server.requests[0].json()["title"] == "Test event from desktop-integrations"


def test_notify_prints_one_line_per_delivery_of_the_plugin(
    tmp_path: Path, plugins: Path, server: RecordingServer
) -> None:
    drop_example(plugins)
    data = tmp_path / "cli-data"
    store = ConfigStore(data / "integrations.sqlite3")
    manager = IntegrationManager(store)
    extensions = ExtensionManager(manager, [plugins])
    extensions.load()
    try:
        ntfy = manager.get_integration(INTEGRATION_ID)
        configure(ntfy, server.url)
        configure(ntfy, closed_port_url())
    finally:
        extensions.shutdown()
        manager.shutdown()
        store.close()

    command = [sys.executable, "-m", "desktop_integrations", "--data-dir", str(data)]
    result = subprocess.run(
        [*command, "--plugins-dir", str(plugins), "notify", "--title", "Build failed"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 1, result.stderr
    lines = sorted(result.stdout.splitlines())
    assert len(lines) == 2, result.stdout
    assert lines[0].startswith("FAILED     'Phone' (examples.ntfy): Could not connect")
    assert lines[1].startswith("delivered  'Phone' (examples.ntfy): HTTP 200 OK")


def test_removing_the_plugin_keeps_its_configurations(
    ntfy: Integration,
    extensions: ExtensionManager,
    manager: IntegrationManager,
    plugins: Path,
    server: RecordingServer,
) -> None:
    config_id = configure(ntfy, server.url)

    shutil.rmtree(plugins / "ntfy")
    assert extensions.rescan() is True
    assert not manager.is_registered(INTEGRATION_ID)
    kept = manager.get_integration_configs(INTEGRATION_ID)
    assert [(c.id, c.is_available) for c in kept] == [(config_id, False)]

    drop_example(plugins)
    assert extensions.rescan() is True
    back = manager.get_integration(INTEGRATION_ID).get_configs()
    assert [(c.id, c.get("topic")) for c in back] == [(config_id, "ci-alerts-7f3a")]


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
        assert manager.is_registered(INTEGRATION_ID)
        assert manager.get_integration("alpha.AlphaIntegration").name == "Alpha"
        errors = extensions.get_load_errors()
        assert set(errors) == set(paths)
        for kind, error in errors.items():
            cause = BROKEN[kind][1] if kind in BROKEN else "can be written by everyone"
            assert str(paths[kind]) in error.message
            assert cause in error.message
    finally:
        extensions.shutdown()
