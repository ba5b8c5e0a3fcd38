"""``import-apprise`` and the Apprise URL format: Apprise's own URLs and files, read in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop_integrations import ConfigStore, IntegrationManager
from desktop_integrations.plugins.apprise import AppriseExtension
from desktop_integrations.url_formats import UrlFormatError, format_for, url_formats
from tests.servers import installed


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_integrations", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_pasted_url_gives_the_integration_and_its_settings(
    apprise_manager: IntegrationManager,
) -> None:
    [url_format] = url_formats()
    parsed = url_format.parse("mmosts://chat.example:8443/hooks-token?channel=ops,dev&format=text")
    assert parsed.integration.id == "apprise.mmost"
    assert parsed.data == {
        "use_tls": True,
        "host": "chat.example",
        "port": 8443,
        "token": "hooks-token",
        "targets": ["ops", "dev"],
        "format": "text",
    }
    form = parsed.integration.build_config_form(data={"name": "Chat", **parsed.data})
    assert form.is_valid(), form.errors
    assert url_format.compose(parsed.integration, form.cleaned_data) == (
        "mmosts://chat.example:8443/hooks-token?channel=ops%2Cdev"
    )


def test_a_services_own_web_address_is_read_through_apprise(
    apprise_manager: IntegrationManager,
) -> None:
    [url_format] = url_formats()
    parsed = url_format.parse("https://discord.com/api/webhooks/1234567890/abcdefTOKEN")
    assert parsed.integration.id == "apprise.discord"
    assert parsed.data["webhook_id"] == "1234567890"
    assert parsed.data["webhook_token"] == "abcdefTOKEN"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "no scheme"),
        ("nosuchservice://x", "no service with the scheme nosuchservice://"),
    ],
)
def test_a_url_apprise_does_not_read_is_refused_with_a_reason(
    apprise_manager: IntegrationManager, url: str, message: str
) -> None:
    [url_format] = url_formats()
    with pytest.raises(UrlFormatError, match=message):
        url_format.parse(url)


def test_the_format_is_offered_only_while_the_plugin_runs(manager: IntegrationManager) -> None:
    assert url_formats() == []
    with installed(manager, AppriseExtension):
        ntfy = manager.get_integration("apprise.ntfy")
        assert format_for(ntfy) is not None
    assert url_formats() == []


def test_import_apprise_adds_every_service_of_a_text_and_a_yaml_file(tmp_path: Path) -> None:
    text = tmp_path / "apprise.txt"
    text.write_text("# my services\nalerts=ntfy://ntfy.example/alerts\nmmost://chat/tok123\n")
    yaml = tmp_path / "apprise.yml"
    yaml.write_text(
        "version: 1\nurls:\n  - json://bob:pw@hooks.example:8080/in:\n     - tag: ops\n"
    )
    data = tmp_path / "data"
    first = run(data, "import-apprise", str(text))
    assert first.returncode == 0, first.stderr
    second = run(data, "import-apprise", str(yaml))
    assert second.returncode == 0, second.stderr
    assert "Imported 'alerts' (apprise.ntfy)" in first.stdout
    assert "Imported 'Mattermost' (apprise.mmost)" in first.stdout
    assert "Imported 'ops' (apprise.json)" in second.stdout
    assert "pw" not in first.stdout + second.stdout + first.stderr + second.stderr
    store = ConfigStore(data / "integrations.sqlite3")
    try:
        manager = IntegrationManager(store)
        with installed(manager, AppriseExtension):
            configs = {c.name: c for c in manager.get_integration_configs()}
            assert configs["alerts"].get("targets") == ["alerts"]
            assert configs["alerts"].get("host") == "ntfy.example"
            assert configs["Mattermost"].get("token") == "tok123"
            assert configs["ops"].get("password") == "pw"
            assert configs["ops"].get("path") == "/in"
            assert all(c.enabled for c in configs.values())
    finally:
        store.close()


def test_import_apprise_refuses_a_file_without_services(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing here\n")
    result = run(tmp_path / "data", "import-apprise", str(empty))
    assert result.returncode == 1
    assert "Apprise found no service in it" in result.stderr
    assert "Traceback" not in result.stderr
