"""Webhook URLs and headers are credentials: encrypted, migrated, redacted, private."""

from __future__ import annotations

import json
import logging
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field, SecretStr, ValidationError

from desktop_integrations import (
    ConfigStore,
    IntegrationConfigForm,
    IntegrationManager,
    SecretUrl,
    StoreError,
)
from desktop_integrations.cli.logs import RedactingFormatter
from desktop_integrations.fields import ui_fields
from desktop_integrations.forms import secret_field_names
from desktop_integrations.plugins.slack import SlackIntegration
from desktop_integrations.plugins.webhook import WebhookIntegration
from desktop_integrations.redaction import redact_url, redact_urls
from tests.core.test_cli_commands import add_configs, deliveries, run
from tests.servers import recording_server

HOOK = "https://hooks.slack.com/services/T000/B000/xqTOKENxq"


class Form(IntegrationConfigForm):
    hook: SecretUrl = Field(title="Hook")
    headers: list[SecretStr] = Field(default_factory=list, title="Headers")


def test_a_secret_url_validates_as_a_url_and_shows_only_its_origin() -> None:
    form = Form(name="x", hook=HOOK)
    assert form.hook.get_secret_value() == HOOK
    assert str(form.hook) == "https://hooks.slack.com/…"
    assert "xqTOKENxq" not in repr(form) and "xqTOKENxq" not in form.model_dump_json()
    assert Form(name="x", hook=form.hook).hook == form.hook
    for bad in ("not a url", "ftp://example.com/x", "https://"):
        with pytest.raises(ValidationError) as caught:
            Form(name="x", hook=bad)
        assert bad not in str(caught.value.errors()[0]["msg"])


def test_secret_urls_and_lists_of_secrets_are_secret_fields() -> None:
    assert secret_field_names(Form) == {"hook", "headers"}
    fields = ui_fields(Form)
    assert (fields["hook"].kind, fields["headers"].kind) == ("secret", "secret_list")
    assert fields["hook"].secret and fields["headers"].secret


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (HOOK, "https://hooks.slack.com/…"),
        ("http://user:pa55@127.0.0.1:8080/hook?t=1", "http://127.0.0.1:8080/…"),
        ("https://example.com/", "https://example.com"),
        ("https://example.com", "https://example.com"),
        ("https://example.com/#frag", "https://example.com/…"),
        ("http://[::1:bad", "(a URL)"),
    ],
)
def test_a_redacted_url_keeps_the_scheme_host_and_port_only(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_every_url_in_a_text_is_redacted() -> None:
    text = f'POST {HOOK} "HTTP/1.1 200 OK" then http://a:b@x.org/p, done'
    assert redact_urls(text) == (
        'POST https://hooks.slack.com/… "HTTP/1.1 200 OK" then http://x.org/…, done'
    )


def test_log_lines_and_tracebacks_are_redacted() -> None:
    try:
        raise ValueError(f"bad {HOOK}")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, "f", 1, "sent to %s", (HOOK,), None)
        import sys

        record.exc_info = sys.exc_info()
    text = RedactingFormatter("%(message)s").format(record)
    assert "xqTOKENxq" not in text
    assert text.startswith("sent to https://hooks.slack.com/…")
    assert "ValueError: bad https://hooks.slack.com/…" in text


def _store_plaintext(db_path: Path, settings: dict[str, Any]) -> None:
    """Write settings as an earlier version did: URL and headers in plaintext."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE configs SET settings = ?", (json.dumps(settings),))
    conn.close()


def _registered(store: ConfigStore) -> IntegrationManager:
    manager = IntegrationManager(store)
    manager.register_integration_class(WebhookIntegration)
    manager.register_integration_class(SlackIntegration)
    return manager


def test_plaintext_urls_and_headers_are_encrypted_on_first_load_and_kept(
    db_path: Path,
) -> None:
    store = ConfigStore(db_path)
    manager = _registered(store)
    manager.get_integration("builtin.webhook").create_config(name="Hook", save=True)
    manager.shutdown()
    store.close()
    url, headers = "https://in.example.com/xqPATHxq", ["Authorization: Bearer xqBEARERxq"]
    _store_plaintext(db_path, {"url": url, "headers": headers, "secret": ""})
    store = ConfigStore(db_path)
    manager = _registered(store)
    [config] = manager.get_integration_configs()
    assert (config.get("url"), config.get("headers")) == (url, headers)
    manager.shutdown()
    store.close()
    raw = b"".join(path.read_bytes() for path in db_path.parent.iterdir() if path.is_file())
    assert b"xqPATHxq" not in raw and b"xqBEARERxq" not in raw
    store = ConfigStore(db_path)
    manager = _registered(store)
    [config] = manager.get_integration_configs()
    assert (config.get("url"), config.get("headers")) == (url, headers)
    assert {"url", "headers"} <= config.secret_keys
    manager.shutdown()
    store.close()


def test_a_failed_migration_keeps_the_plaintext_value(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ConfigStore(db_path)
    _registered(store).get_integration("builtin.slack").create_config(name="S", save=True)
    _store_plaintext(db_path, {"webhook_url": HOOK})

    def refuse(*args: object, **kwargs: object) -> int:
        raise StoreError("the database is read-only")

    monkeypatch.setattr(store, "save_config", refuse)
    [config] = _registered(store).get_integration_configs()
    assert config.get("webhook_url") == HOOK
    store.close()


def test_the_data_folder_and_database_files_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "new-data"
    store = ConfigStore(folder / "integrations.sqlite3")
    manager = _registered(store)
    manager.get_integration("builtin.slack").create_config(
        name="S", settings={"webhook_url": HOOK}, save=True
    )
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = sorted(folder.iterdir())
    assert [p.name for p in files] == [
        "integrations.sqlite3",
        "integrations.sqlite3-shm",
        "integrations.sqlite3-wal",
    ]
    assert [stat.S_IMODE(p.stat().st_mode) for p in files] == [0o600] * 3
    manager.shutdown()
    store.close()


def test_an_existing_database_readable_by_others_is_restricted(db_path: Path) -> None:
    ConfigStore(db_path).close()
    db_path.chmod(0o644)
    ConfigStore(db_path).close()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


@pytest.mark.parametrize("verbose", [False, True])
def test_notify_never_prints_a_webhook_url_or_password(tmp_path: Path, verbose: bool) -> None:
    data = tmp_path / "cli-data"
    with recording_server() as server:
        host = server.url.removeprefix("http://")
        server.reply(500, body=b"busy")
        add_configs(
            data,
            (SlackIntegration, "Chat", {"webhook_url": f"{server.url}/services/xqTOKENxq"}, True),
            (WebhookIntegration, "Hook", {"url": f"http://ci:xqPASSxq@{host}/in"}, True),
        )
        result = run(data, *(["--verbose"] if verbose else []), "notify", "--title", "Hi")
    assert len(server.requests) == 3  # one retried after the 500
    output = result.stdout + result.stderr
    assert "xqTOKENxq" not in output and "xqPASSxq" not in output
    assert (f"POST {server.url}/…: HTTP 200 OK" in result.stderr) == verbose
    for delivery in deliveries(data):
        assert "xq" not in delivery.error + delivery.response


def test_a_delivery_error_naming_a_url_is_logged_redacted(
    manager: IntegrationManager,
) -> None:
    from desktop_integrations.delivery import DeliveryError, recent_deliveries
    from desktop_integrations.events import Event, emit
    from desktop_integrations.plugins.slack import SlackExtension
    from tests.servers import installed

    class Leaky(SlackIntegration):
        integration_id = "test.leaky"

        def send(self, settings: Any, event: Any, pool: Any) -> Any:
            url = settings["webhook_url"].get_secret_value()
            raise DeliveryError(f"{url} refused it", response=f"see {url}")

    with installed(manager, SlackExtension):
        manager.register_integration_class(Leaky)
        manager.get_integration("test.leaky").create_config(
            enabled=True, name="L", settings={"webhook_url": HOOK}, save=True
        )
        emit(Event(title="x")).wait(10)
    [logged] = recent_deliveries(manager.store)
    assert logged.error == "https://hooks.slack.com/… refused it"
    assert logged.response == "see https://hooks.slack.com/…"


def test_a_secret_list_that_cannot_be_decrypted_is_kept_as_stored(tmp_path: Path) -> None:
    from desktop_integrations.storage.secrets import FernetBox
    from desktop_integrations.storage.settings_codec import SettingsCodec

    codec = SettingsCodec(FernetBox(tmp_path / "one.key"))
    stored = codec.encode({"headers": ["A: 1", "B: 2"], "url": HOOK}, {"headers", "url"})
    assert "A: 1" not in stored and "xqTOKENxq" not in stored
    decoded = codec.decode(stored)
    assert decoded.settings == {"headers": ["A: 1", "B: 2"], "url": HOOK}
    assert decoded.secret_keys == {"headers", "url"}
    other = SettingsCodec(FernetBox(tmp_path / "other.key"))
    sealed = other.decode(stored)
    assert sealed.settings == {} and set(sealed.sealed) == {"headers", "url"}
    # Saved again with the wrong key, the values stay as they were: the right key reads them.
    again = other.encode(sealed.settings, set(), sealed.sealed)
    assert codec.decode(again).settings == {"headers": ["A: 1", "B: 2"], "url": HOOK}
