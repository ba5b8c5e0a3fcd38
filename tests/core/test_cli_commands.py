"""The headless subcommands, run end to end in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop_integrations import ConfigStore, IntegrationManager
from desktop_integrations.delivery import recent_deliveries
from desktop_integrations.plugins.slack import SlackIntegration
from desktop_integrations.plugins.webhook import WebhookIntegration
from tests.servers import RecordingServer


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_integrations", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def add_configs(data_dir: Path, *configs: tuple[type[Any], str, dict[str, Any], bool]) -> None:
    store = ConfigStore(data_dir / "integrations.sqlite3")
    manager = IntegrationManager(store)
    try:
        for cls, name, settings, enabled in configs:
            if not manager.is_registered(cls.integration_id):
                manager.register_integration_class(cls)
            integration = manager.get_integration(cls.integration_id)
            form = integration.build_config_form(
                data={"name": name, "enabled": enabled, **settings}
            )
            assert form.is_valid(), form.errors
            form.save()
    finally:
        manager.shutdown()
        store.close()


def deliveries(data_dir: Path) -> list[Any]:
    store = ConfigStore(data_dir / "integrations.sqlite3")
    try:
        return recent_deliveries(store)
    finally:
        store.close()


def test_notify_posts_once_to_slack_and_logs_the_delivery(
    tmp_path: Path, server: RecordingServer
) -> None:
    data = tmp_path / "cli-data"
    add_configs(
        data, (SlackIntegration, "Builds", {"webhook_url": server.url + "/services/x"}, True)
    )
    result = run(
        data, "notify", "--title", "Build failed", "--level", "error", "--field", "branch=main"
    )
    assert result.returncode == 0, result.stderr
    [request] = server.requests
    payload = request.json()
    assert payload["text"] == "Error: Build failed"
    [attachment] = payload["attachments"]
    assert attachment["title"] == "Build failed" and attachment["color"] == "#d93025"
    assert attachment["fields"] == [{"title": "branch", "value": "main", "short": True}]
    [line] = result.stdout.splitlines()
    assert line.startswith("delivered  'Builds' (builtin.slack): HTTP 200 OK in ")
    [logged] = deliveries(data)
    assert (logged.config_name, logged.event_kind, logged.status) == (
        "Builds",
        "notification",
        "delivered",
    )


def test_notify_exits_non_zero_when_a_delivery_fails(
    tmp_path: Path, server: RecordingServer
) -> None:
    data = tmp_path / "cli-data"
    server.reply(403, body=b"invalid_token")
    add_configs(
        data,
        (SlackIntegration, "Good", {"webhook_url": server.url + "/good"}, True),
        (SlackIntegration, "Off", {"webhook_url": server.url + "/off"}, False),
    )
    result = run(data, "notify", "--title", "Deployed", "--kind", "deploy.done")
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert line.startswith("FAILED     'Good' (builtin.slack): The service refused the message")
    assert "[HTTP 403 Forbidden]" in line
    assert [r.path for r in server.requests] == ["/good"]
    assert [d.status for d in deliveries(data)] == ["failed"]


def test_notify_refuses_a_bad_event_before_sending(tmp_path: Path) -> None:
    result = run(tmp_path / "d", "notify", "--title", "x", "--field", "no-equals-sign")
    assert result.returncode == 2
    assert "--field 'no-equals-sign': write it as NAME=VALUE" in result.stderr


def test_list_shows_integration_name_and_state(tmp_path: Path) -> None:
    data = tmp_path / "cli-data"
    add_configs(
        data,
        (SlackIntegration, "Builds", {"webhook_url": "https://hooks.example.com/a"}, True),
        (WebhookIntegration, "Audit hook", {"url": "https://example.com/in"}, False),
    )
    result = run(data, "list")
    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines == [
        ["1", "builtin.slack", "Builds", "enabled"],
        ["2", "builtin.webhook", "Audit", "hook", "disabled"],
    ]


def test_export_leaves_secrets_out_unless_asked(tmp_path: Path) -> None:
    data = tmp_path / "cli-data"
    add_configs(
        data,
        (
            WebhookIntegration,
            "Signed",
            {"url": "https://example.com/in", "secret": "hunter2-secret"},
            True,
        ),
    )
    plain, full = tmp_path / "plain.json", tmp_path / "full.json"
    assert run(data, "export", str(plain)).returncode == 0
    assert run(data, "export", str(full), "--include-secrets").returncode == 0
    assert "hunter2-secret" not in plain.read_text()
    assert "example.com/in" not in plain.read_text()
    [entry] = json.loads(plain.read_text())["configurations"]
    assert entry["secrets_omitted"] == ["secret", "url"]
    assert entry["settings"] == {"conditions": entry["settings"]["conditions"], "headers": []}
    [entry] = json.loads(full.read_text())["configurations"]
    assert entry["settings"]["secret"] == "hunter2-secret"
    assert entry["settings"]["url"] == "https://example.com/in"
    assert full.stat().st_mode & 0o777 == 0o600


def test_import_round_trips_an_export(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    add_configs(
        source,
        (
            WebhookIntegration,
            "Signed",
            {"url": "https://example.com/in", "secret": "k3y", "headers": ["X-Team: ops"]},
            True,
        ),
        (SlackIntegration, "Builds", {"webhook_url": "https://hooks.example.com/a"}, False),
    )
    exported = tmp_path / "export.json"
    assert run(source, "export", str(exported), "--include-secrets").returncode == 0
    result = run(target, "import", str(exported))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Added 'Signed' (builtin.webhook) as #1.",
        "Added 'Builds' (builtin.slack) as #2.",
    ]
    again = tmp_path / "again.json"
    assert run(target, "export", str(again), "--include-secrets").returncode == 0
    reexported = json.loads(again.read_text())["configurations"]
    assert reexported == json.loads(exported.read_text())["configurations"]
    assert len({entry["uid"] for entry in reexported}) == 2  # the UIDs travel with them


def test_importing_twice_updates_by_uid_instead_of_duplicating(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    add_configs(
        source,
        (SlackIntegration, "Builds", {"webhook_url": "https://hooks.example.com/a"}, True),
        (SlackIntegration, "Deploys", {"webhook_url": "https://hooks.example.com/b"}, True),
    )
    exported = tmp_path / "export.json"
    assert run(source, "export", str(exported), "--include-secrets").returncode == 0
    assert run(target, "import", str(exported)).returncode == 0
    document = json.loads(exported.read_text())
    document["configurations"][1]["name"] = "Deploys (prod)"
    exported.write_text(json.dumps(document))
    result = run(target, "import", str(exported), "--dry-run")
    assert result.stdout.splitlines() == [
        "Leave #1 'Builds' (builtin.slack) unchanged: it is identical.",
        "Update #2 'Deploys (prod)' (builtin.slack), which has the same UID.",
        "Nothing was stored (--dry-run): 1 to update, 1 unchanged.",
    ]
    result = run(target, "import", str(exported))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == (
        "Updated #2 'Deploys (prod)' (builtin.slack), which has the same UID."
    )
    listed = [line.split()[2:] for line in run(target, "list").stdout.splitlines()]
    assert listed == [["Builds", "enabled"], ["Deploys", "(prod)", "enabled"]]
    result = run(target, "import", str(exported), "--as-new")
    assert result.stdout.splitlines() == [
        "Added 'Builds' (builtin.slack) as a new copy as #3.",
        "Added 'Deploys (prod)' (builtin.slack) as a new copy as #4.",
    ]


def test_an_entry_whose_plugin_is_missing_is_imported_and_kept_unavailable(
    tmp_path: Path,
) -> None:
    document = {
        "format": "desktop-integrations/configurations",
        "version": 2,
        "configurations": [
            {
                "uid": "0123abcd",
                "integration_id": "vendor.pager",
                "name": "On call",
                "enabled": True,
                "settings": {"team": "ops", "api_key": "s3cret-key"},
                "secret_keys": ["api_key"],
            }
        ],
    }
    path = tmp_path / "pager.json"
    path.write_text(json.dumps(document))
    data = tmp_path / "cli-data"
    result = run(data, "import", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Added 'On call' (vendor.pager) as #1; its integration is not installed, "
        "so it is kept unavailable until it is."
    ]
    assert run(data, "list").stdout.split() == [
        "1",
        "vendor.pager",
        "On",
        "call",
        "enabled,",
        "unavailable",
    ]
    assert b"s3cret-key" not in (data / "integrations.sqlite3").read_bytes()
    exported = tmp_path / "again.json"
    assert run(data, "export", str(exported), "--include-secrets").returncode == 0
    [entry] = json.loads(exported.read_text())["configurations"]
    assert entry["uid"] == "0123abcd" and entry["settings"]["api_key"] == "s3cret-key"
    assert run(data, "import", str(exported)).stdout.startswith("Left #1 'On call'")


def test_import_reports_every_bad_entry_and_imports_nothing(tmp_path: Path) -> None:
    document = {
        "format": "desktop-integrations/configurations",
        "version": 1,
        "configurations": [
            {
                "integration_id": "builtin.slack",
                "name": "Fine",
                "settings": {"webhook_url": "https://hooks.example.com/a"},
            },
            {"integration_id": "builtin.slack", "name": "No URL", "settings": {}},
            {
                "integration_id": "builtin.webhook",
                "name": "Bad header",
                "settings": {"url": "https://example.com", "headers": ["oops"]},
            },
            {"integration_id": "vendor.gone", "name": " ", "settings": {}},
            {"integration_id": "builtin.logfile", "name": " ", "settings": {"path": "/tmp/x"}},
        ],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    data = tmp_path / "cli-data"
    result = run(data, "import", str(path))
    assert result.returncode == 1
    assert "Nothing was imported: 4 of 5 configurations are not valid." in result.stderr
    problems = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]
    assert problems == [
        "entry 2, 'No URL' (builtin.slack): webhook_url: This field is required.",
        "entry 3, 'Bad header' (builtin.webhook): headers: Header 1: write it as 'Name: value'.",
        "entry 4, ' ' (vendor.gone): name: Enter a name for this configuration.",
        "entry 5, ' ' (builtin.logfile): name: Enter a name for this configuration.",
    ]
    assert run(data, "list").stdout.strip() == "No configurations."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "The file is not valid JSON"),
        ('{"configurations": []}', "The file is not an export of desktop-integrations"),
        ('{"format": "desktop-integrations/configurations", "version": 99}', "version 99"),
    ],
)
def test_import_explains_an_unreadable_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "file.json"
    path.write_text(content)
    result = run(tmp_path / "d", "import", str(path))
    assert result.returncode == 1 and message in result.stderr


def test_a_recovered_database_is_reported_on_stderr(tmp_path: Path) -> None:
    data = tmp_path / "cli-data"
    data.mkdir()
    (data / "integrations.sqlite3").write_bytes(b"this is not a database" * 100)
    result = run(data, "list")
    assert result.returncode == 0
    assert "the database was unreadable; it was moved to" in result.stderr
    assert str(data / "integrations.sqlite3.corrupt-") in result.stderr


def test_the_headless_commands_never_import_qt(tmp_path: Path, server: RecordingServer) -> None:
    data = tmp_path / "cli-data"
    add_configs(data, (SlackIntegration, "Builds", {"webhook_url": server.url}, True))
    export = tmp_path / "export.json"
    script = (
        "import sys\n"
        "from desktop_integrations.cli import main\n"
        f"base = ['--data-dir', {str(data)!r}]\n"
        "codes = [main(base + ['notify', '--title', 'x']), main(base + ['list']),\n"
        f"         main(base + ['export', {str(export)!r}, '--include-secrets']),\n"
        f"         main(base + ['import', {str(export)!r}])]\n"
        "print(codes, sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=os.environ.copy(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[0, 0, 0, 0] []"
    assert len(server.requests) == 1
