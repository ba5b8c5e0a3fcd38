"""How settings are stored: a JSON document with secret values encrypted."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from desktop_integrations.errors import StoreError
from desktop_integrations.storage.secrets import SecretBox

#: The key that marks an encrypted value in a stored settings document.
SECRET_MARK = "$secret"
#: The key that marks an encrypted JSON value (a list of secret headers).
SECRET_JSON_MARK = "$secret_json"
# Prefixes a sealed token that was stored under SECRET_JSON_MARK.
_SEALED_JSON = "json:"


class DecodedSettings:
    """A stored settings document, decoded (empty until filled in).

    Attributes:
        settings: The settings, secrets decrypted.
        secret_keys: The names of the settings that were stored encrypted.
        sealed: Encrypted values that could not be decrypted, kept as stored so
            that saving the configuration does not lose them.
        problems: Messages about values that could not be read.
    """

    # A plain class: a dataclass takes 0.3 ms to define, before the app's window is ready.
    __slots__ = ("problems", "sealed", "secret_keys", "settings")

    def __init__(self) -> None:
        self.settings: dict[str, Any] = {}
        self.secret_keys: set[str] = set()
        self.sealed: dict[str, str] = {}
        self.problems: list[str] = []


def is_secret(value: Any) -> bool:
    """Return whether ``value`` is a pydantic ``SecretStr``."""
    # Imported here: reading the database to list it does not need pydantic.
    from pydantic.types import SecretStr

    return isinstance(value, SecretStr)


def _plain(value: Any) -> Any:
    """Return ``value`` with every ``SecretStr`` in it (or in its list) unwrapped."""
    if is_secret(value):
        return value.get_secret_value()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def plaintext_secrets(
    settings: Mapping[str, Any], secret_keys: set[str], secret_fields: frozenset[str]
) -> set[str]:
    """Return the names of secret fields whose values are stored in plaintext."""
    return {
        name
        for name in secret_fields - secret_keys
        if settings.get(name) not in (None, "", []) and not is_secret(settings.get(name))
    }


class SettingsCodec:
    """Encodes settings for the database and decodes them back.

    Args:
        secrets: Encrypts and decrypts the secret values.
    """

    def __init__(self, secrets: SecretBox) -> None:
        self.secrets = secrets

    def encode(
        self,
        settings: Mapping[str, Any],
        secret_keys: set[str] | frozenset[str],
        sealed: Mapping[str, str] | None = None,
    ) -> str:
        """Return the stored JSON document for ``settings``, secrets encrypted.

        Values of ``secret_keys`` and ``SecretStr`` values are encrypted;
        ``sealed`` values (that could not be decrypted) are kept as stored.

        Raises:
            StoreError: A value is not JSON-compatible.
        """
        document: dict[str, Any] = {}
        for key, value in settings.items():
            secret = key in secret_keys or is_secret(value)
            document[key] = self.seal(value) if secret else _plain(value)
        for key, token in (sealed or {}).items():
            if token.startswith(_SEALED_JSON):
                document.setdefault(key, {SECRET_JSON_MARK: token[len(_SEALED_JSON) :]})
            else:
                document.setdefault(key, {SECRET_MARK: token})
        try:
            # ASCII escapes keep any string storable, lone surrogates included.
            return json.dumps(document, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise StoreError(f"The settings are not JSON-compatible: {e}") from e

    def seal(self, value: Any) -> Any:
        """Return how the secret ``value`` is stored: encrypted, unless it is empty.

        A string is stored under :data:`SECRET_MARK`, a list (of headers) as
        JSON under :data:`SECRET_JSON_MARK`; anything else as it is.

        Raises:
            StoreError: The value cannot be encrypted here (no team key).
        """
        value = _plain(value)
        if isinstance(value, str) and value:
            return {SECRET_MARK: self.secrets.encrypt(value)}
        if isinstance(value, list) and value:
            text = json.dumps(value, allow_nan=False)
            return {SECRET_JSON_MARK: self.secrets.encrypt(text)}
        return value

    def decode(self, raw: str) -> DecodedSettings:
        """Decode a stored settings document, decrypting secrets."""
        decoded = DecodedSettings()
        try:
            document = json.loads(raw)
        except ValueError as e:
            decoded.problems.append(f"The stored settings could not be read: {e}")
            return decoded
        for key, value in document.items():
            if isinstance(value, dict) and value.keys() in ({SECRET_MARK}, {SECRET_JSON_MARK}):
                decoded.secret_keys.add(key)
                as_json = SECRET_JSON_MARK in value
                token = value[SECRET_JSON_MARK if as_json else SECRET_MARK]
                try:
                    plain = self.secrets.decrypt(token)
                    decoded.settings[key] = json.loads(plain) if as_json else plain
                except ValueError as e:
                    decoded.sealed[key] = _SEALED_JSON + token if as_json else token
                    decoded.problems.append(
                        f"The secret setting {key!r} could not be decrypted: {e}."
                    )
            else:
                decoded.settings[key] = value
        return decoded
