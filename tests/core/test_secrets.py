"""Where the encryption key lives, and that secrets stay out of logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from pydantic import SecretStr

from desktop_integrations import ConfigStore, Integration, IntegrationConfigForm, IntegrationManager
from desktop_integrations.storage.secrets import KEYRING_SERVICE, FernetBox


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.passwords[(service, username)]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(fail.Keyring())


def test_the_key_goes_to_a_usable_keyring_not_a_file(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    token = FernetBox().encrypt("value")
    assert FernetBox().decrypt(token) == "value"
    assert [service for service, _ in memory_keyring.passwords] == [KEYRING_SERVICE]
    assert not (tmp_path / "config").exists()


def test_without_a_keyring_the_key_file_is_private(tmp_path: Path) -> None:
    box = FernetBox()
    assert box.decrypt(box.encrypt("value")) == "value"
    key_file = tmp_path / "config" / "secret.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.parent.stat().st_mode & 0o077 == 0
    assert FernetBox().decrypt(box.encrypt("again")) == "again"


def test_a_key_file_readable_by_others_is_restricted(tmp_path: Path) -> None:
    box = FernetBox()
    token = box.encrypt("value")
    key_file = tmp_path / "config" / "secret.key"
    key_file.chmod(0o644)
    assert FernetBox().decrypt(token) == "value"
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_tokens_from_another_key_are_refused_clearly(tmp_path: Path) -> None:
    token = FernetBox(tmp_path / "one.key").encrypt("value")
    with pytest.raises(ValueError, match="different key"):
        FernetBox(tmp_path / "two.key").decrypt(token)


class TokenForm(IntegrationConfigForm):
    token: SecretStr


class Tokened(Integration):
    integration_id = "test.tokened"
    name = "Tokened"
    config_form_cls = TokenForm


def test_secrets_never_reach_the_logs(
    manager: IntegrationManager, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        integration = manager.register_integration_class(Tokened)
        config = integration.build_config_form(data={"name": "t", "token": "PLAIN-42"}).save()
        config.set("token", SecretStr("PLAIN-43"))
        config.save()
        manager.clear_all_configs_cache()
        (loaded,) = integration.get_configs()
        assert loaded.get("token") == "PLAIN-43"
        logging.getLogger("test").info("loaded %r", loaded)
        store = ConfigStore(manager.store.path)
        store.close()
    assert caplog.records
    assert "PLAIN-4" not in caplog.text
    assert "PLAIN-4" not in repr(loaded)
