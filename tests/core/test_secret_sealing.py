"""Secrets that earlier versions stored in plaintext are encrypted as the store opens."""

from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from desktop_integrations import (
    ConfigStore,
    Integration,
    IntegrationConfigForm,
    IntegrationManager,
    Store,
    StoreError,
    open_store,
)
from desktop_integrations.plugins.email import EmailIntegration
from desktop_integrations.plugins.slack import SlackIntegration
from desktop_integrations.plugins.webhook import WebhookIntegration
from desktop_integrations.storage.pg_schema import PG_MIGRATIONS
from desktop_integrations.storage.schema import MIGRATIONS, SCHEMA_VERSION
from desktop_integrations.storage.settings_codec import SECRET_JSON_MARK, SECRET_MARK
from desktop_integrations.storage.team_key import TeamKeyBox, create_key_file

HOOK = "https://hooks.slack.com/services/T0/B0/xqSLACKxq"
URL = "https://user:xqPASSxq@in.example.com/xqPATHxq"
HEADERS = ["Authorization: Bearer xqBEARERxq"]
SECRETS = ("xqSLACKxq", "xqPASSxq", "xqPATHxq", "xqBEARERxq", "xqSMTPxq", "xqTOKENxq")


class TokenForm(IntegrationConfigForm):
    token: SecretStr = SecretStr("")


class Legacy(Integration):
    """A plugin whose token was stored as text before secrets were encrypted at rest."""

    integration_id = "tests.legacy"
    name = "Legacy"
    config_form_cls = TokenForm


BUILTINS = (WebhookIntegration, SlackIntegration, EmailIntegration)
EARLIER = {
    "Hook": ("builtin.webhook", {"url": URL, "headers": HEADERS, "secret": "", "method": "POST"}),
    "Slack": ("builtin.slack", {"webhook_url": HOOK, "channel": "#ops"}),
    "Mail": ("builtin.email", {"smtp_host": "127.0.0.1", "password": "xqSMTPxq"}),
    "Legacy": ("tests.legacy", {"token": "xqTOKENxq"}),
}


def registered(store: Store, *classes: type[Integration]) -> IntegrationManager:
    manager = IntegrationManager(store)
    for integration_cls in classes:
        manager.register_integration_class(integration_cls)
    return manager


@contextmanager
def opened(target: str, *classes: type[Integration]) -> Iterator[IntegrationManager]:
    store = open_store(target)
    manager = registered(store, *classes)
    try:
        yield manager
    finally:
        manager.shutdown()
        store.close()


@pytest.fixture
def earlier(store_target: str) -> dict[str, tuple[int, str]]:
    """Each backend's database as an earlier version wrote it: schema 3, secrets in plaintext.

    Returns each configuration's revision and time of its last change, by name.
    """
    stamp = "2025-06-01T12:00:00+00:00"
    rows = [
        (integration_id, name, json.dumps(settings), 3, stamp, stamp, f"uid-{name}")
        for name, (integration_id, settings) in EARLIER.items()
    ]
    insert = (
        "INSERT INTO configs (integration_id, name, settings, revision, time_added,"
        " last_updated, uid) VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    select = "SELECT name, revision, last_updated FROM configs"
    if store_target.startswith("postgresql"):
        import psycopg

        with psycopg.connect(store_target, autocommit=True) as pg:
            for script in PG_MIGRATIONS[:3]:
                pg.execute(script)
            pg.execute("INSERT INTO meta (key, value) VALUES ('schema_version', 3)")
            pg.cursor().executemany(insert.replace("?", "%s"), rows)
            found = pg.execute(select).fetchall()
    else:
        Path(store_target).parent.mkdir()
        with sqlite3.connect(store_target) as conn:
            for script in MIGRATIONS[:3]:
                conn.executescript(script)
            conn.execute("PRAGMA user_version = 3")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executemany(insert, rows)
            found = conn.execute(select).fetchall()
        conn.close()
    return {name: (revision, str(last_updated)) for name, revision, last_updated in found}


def stored_rows(store: Store) -> list[tuple[str, dict[str, Any], int, str]]:
    """Each configuration as stored: name, raw settings document, revision, last change."""
    rows = store.query("SELECT name, settings, revision, last_updated FROM configs ORDER BY id")
    return [(row[0], json.loads(row[1]), row[2], str(row[3])) for row in rows]


def raw(store: Store) -> dict[str, dict[str, Any]]:
    return {name: settings for name, settings, _, _ in stored_rows(store)}


def plaintext_found(target: str, store: Store) -> list[str]:
    """The secrets found in plaintext: in any file of the data folder, or in the rows."""
    if isinstance(store, ConfigStore):
        folder = Path(target).parent
        data = b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())
    else:
        data = json.dumps(raw(store)).encode()
    return [secret for secret in SECRETS if secret.encode() in data]


def plain(value: Any) -> Any:
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def values(manager: IntegrationManager) -> dict[str, dict[str, Any]]:
    """The earlier version's settings of each configuration, as the integration gets them."""
    return {
        config.name: {key: plain(config.get(key)) for key in EARLIER[config.name][1]}
        for config in manager.get_integration_configs()
    }


def test_opening_encrypts_the_builtins_plaintext_secrets_and_keeps_each_value(
    store_target: str, earlier: dict[str, tuple[int, str]]
) -> None:
    store = open_store(store_target)
    try:
        # Nothing is registered, loaded or sent: opening the store did it.
        stored = raw(store)
        assert stored["Hook"]["url"].keys() == {SECRET_MARK}
        assert stored["Hook"]["headers"].keys() == {SECRET_JSON_MARK}
        assert stored["Hook"]["secret"] == ""
        assert stored["Hook"]["method"] == "POST"
        assert stored["Slack"]["webhook_url"].keys() == {SECRET_MARK}
        assert stored["Slack"]["channel"] == "#ops"
        assert stored["Mail"]["password"].keys() == {SECRET_MARK}
        # A plugin's own secrets wait for its form, which says which settings are secret.
        assert stored["Legacy"] == {"token": "xqTOKENxq"}
        # The revisions stay: a dialog open on the old values still saves.
        assert {row[0]: (row[2], row[3]) for row in stored_rows(store)} == earlier
    finally:
        store.close()
    store = open_store(store_target)
    try:
        assert plaintext_found(store_target, store) == ["xqTOKENxq"]
    finally:
        store.close()
    with opened(store_target, *BUILTINS, Legacy) as manager:
        got = values(manager)
    assert got == {name: settings for name, (_, settings) in EARLIER.items()}


def test_registering_a_plugin_encrypts_its_plaintext_secrets_without_loading_them(
    store_target: str, earlier: dict[str, tuple[int, str]]
) -> None:
    with opened(store_target, Legacy) as manager:
        assert raw(manager.store)["Legacy"]["token"].keys() == {SECRET_MARK}
        assert {row[0]: (row[2], row[3]) for row in stored_rows(manager.store)} == earlier
    store = open_store(store_target)
    try:
        assert plaintext_found(store_target, store) == []
    finally:
        store.close()
    with opened(store_target, *BUILTINS, Legacy) as manager:
        assert values(manager)["Legacy"] == {"token": "xqTOKENxq"}
        [legacy] = [c for c in manager.get_integration_configs() if c.name == "Legacy"]
        assert legacy.secret_keys == {"token"}


def test_an_editor_holding_the_old_values_saves_without_a_conflict(
    store_target: str, earlier: dict[str, tuple[int, str]]
) -> None:
    # The main window lists the plugin's configuration before its plugin is imported...
    editor_store = open_store(store_target)
    editor = IntegrationManager(editor_store)
    try:
        [config] = [c for c in editor.get_integration_configs() if c.name == "Legacy"]
        # ...another process imports it, and its registration seals the stored token...
        with opened(store_target, Legacy) as other:
            assert raw(other.store)["Legacy"]["token"].keys() == {SECRET_MARK}
        editor.register_integration_class(Legacy)
        config.set("token", "xqNEWxq")
        config.save()  # ...and the edit still saves: no ConfigConflictError
    finally:
        editor.shutdown()
        editor_store.close()
    with opened(store_target, Legacy) as manager:
        assert values(manager)["Legacy"] == {"token": "xqNEWxq"}
        assert raw(manager.store)["Legacy"]["token"].keys() == {SECRET_MARK}


def test_a_later_start_changes_nothing(
    store_target: str, earlier: dict[str, tuple[int, str]]
) -> None:
    with opened(store_target, *BUILTINS, Legacy):
        pass
    store = open_store(store_target)
    try:
        generation = store.generation()
        registered(store, *BUILTINS, Legacy).shutdown()
        assert store.generation() == generation
    finally:
        store.close()


def test_a_failed_write_keeps_the_plaintext_names_no_secret_and_is_tried_again(
    store_target: str,
    earlier: dict[str, tuple[int, str]],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    @contextmanager
    def refuse(self: Any, action: str) -> Iterator[Any]:
        raise StoreError(f"Could not {action}: the disk is full.")
        yield

    with monkeypatch.context() as patch, caplog.at_level(logging.INFO):
        if store_target.startswith("postgresql"):
            from desktop_integrations.storage.postgres import PostgresStore

            patch.setattr(PostgresStore, "transaction", refuse)
        else:
            patch.setattr(ConfigStore, "transaction", refuse)
        with opened(store_target, *BUILTINS, Legacy) as manager:
            assert values(manager)["Slack"] == {"webhook_url": HOOK, "channel": "#ops"}
            assert len(plaintext_found(store_target, manager.store)) == len(SECRETS)
    warnings = [r.getMessage() for r in caplog.records if r.name.endswith("secret_sealing")]
    # One warning as the store opens, one as the manager first tries: then it stops trying.
    assert [line.split(" stored in plaintext")[0] for line in warnings] == [
        "The secret settings that the built-in integrations",
        "The secret settings that builtin.webhook",
    ]
    assert all(line.endswith(": the disk is full.") for line in warnings)
    assert not [secret for secret in SECRETS if secret in caplog.text]
    with opened(store_target, *BUILTINS, Legacy) as manager:
        assert plaintext_found(store_target, manager.store) == []
        assert values(manager) == {name: settings for name, (_, settings) in EARLIER.items()}


@contextmanager
def frozen(db_path: Path) -> Iterator[None]:
    """Make the database and its folder unwritable, root included (chattr +i)."""
    files = [str(db_path), str(db_path.parent)]
    if subprocess.run(["chattr", "+i", *files], capture_output=True).returncode:
        pytest.skip("cannot make a folder read-only here (chattr +i failed)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *files], check=True)


@pytest.mark.parametrize("store_target", ["sqlite"], indirect=True)
def test_a_read_only_store_keeps_the_plaintext_until_it_is_writable(
    store_target: str, earlier: dict[str, tuple[int, str]], db_path: Path
) -> None:
    # Upgraded by a start that could not write the sealed values (a full disk).
    with sqlite3.connect(db_path) as conn:
        for number in range(4, SCHEMA_VERSION + 1):
            conn.executescript(f"{MIGRATIONS[number - 1]}; PRAGMA user_version = {number};")
    conn.close()
    with frozen(db_path), opened(store_target, *BUILTINS, Legacy) as manager:
        assert isinstance(manager.store, ConfigStore) and manager.store.read_only
        assert values(manager)["Hook"]["url"] == URL
        assert raw(manager.store)["Hook"]["url"] == URL
    with opened(store_target, *BUILTINS, Legacy) as manager:
        assert plaintext_found(store_target, manager.store) == []
        assert values(manager)["Hook"]["url"] == URL


@pytest.mark.parametrize("store_target", ["postgresql"], indirect=True)
def test_a_desktop_without_the_team_key_leaves_them_to_one_with_it(
    store_target: str,
    earlier: dict[str, tuple[int, str]],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import psycopg

    team_key = tmp_path / "owner" / "team.key"
    create_key_file(team_key)
    with psycopg.connect(store_target, autocommit=True) as pg:
        pg.execute(
            "INSERT INTO properties (key, value) VALUES ('team_key_check', %s)",
            (TeamKeyBox(team_key).check_token(),),
        )
    member = open_store(store_target, secrets=TeamKeyBox(tmp_path / "member" / "team.key"))
    try:
        manager = registered(member, *BUILTINS, Legacy)
        assert values(manager) == {name: settings for name, (_, settings) in EARLIER.items()}
        manager.shutdown()
        assert len(plaintext_found(store_target, member)) == len(SECRETS)
    finally:
        member.close()
    assert "to be encrypted at a later start: This desktop does not have the team key" in (
        caplog.text
    )
    owner = open_store(store_target, secrets=TeamKeyBox(team_key))
    try:
        manager = registered(owner, *BUILTINS, Legacy)
        assert plaintext_found(store_target, owner) == []
        assert values(manager) == {name: settings for name, (_, settings) in EARLIER.items()}
        manager.shutdown()
    finally:
        owner.close()
