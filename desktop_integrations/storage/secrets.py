"""Encryption of secret settings at rest.

Values of ``SecretStr`` fields are encrypted with Fernet before they reach the
database. The key never lives in the data folder: it is kept in the OS keyring
where a usable backend exists, otherwise in a file readable only by the user
(mode 0600) in the user config folder.
"""

from __future__ import annotations

import base64
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from desktop_integrations import paths
from desktop_integrations.errors import StoreError

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

logger = logging.getLogger(__name__)

KEYRING_SERVICE = "desktop-integrations"
KEYRING_USERNAME = "settings-encryption-key"


class SecretBox(Protocol):
    """Turns secret values into opaque tokens and back."""

    def encrypt(self, value: str) -> str:
        """Return an opaque token for ``value``."""
        ...

    def decrypt(self, token: str) -> str:
        """Return the value behind ``token``; raise ValueError if it cannot."""
        ...


def _keyring_key() -> bytes | None:
    """Return the key kept in a usable OS keyring (created on first use)."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) < 1:
            return None
        stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USERNAME)
        if stored is None:
            from cryptography.fernet import Fernet

            stored = Fernet.generate_key().decode()
            keyring.set_password(KEYRING_SERVICE, KEYRING_USERNAME, stored)
        return str(stored).encode()
    except Exception:
        logger.info("No usable keyring; keeping the encryption key in a file", exc_info=True)
        return None


class KeyFileError(StoreError, ValueError):
    """The encryption key is empty or damaged.

    A ValueError too, so that a value it cannot decrypt marks its configuration
    instead of failing the whole load.
    """


def _check_key(key: bytes, source: str) -> bytes:
    """Return ``key`` if it is a Fernet key (32 bytes, URL-safe base64)."""
    try:
        valid = len(base64.urlsafe_b64decode(key)) == 32
    except ValueError:
        valid = False
    if not valid:
        state = "empty" if not key else "damaged"
        raise KeyFileError(
            f"The encryption key {source} is {state}; it was left untouched. Restore it "
            f"from a backup to read the stored secrets, or move it aside to start a new "
            f"key (the secrets stored with the old one must then be entered again)."
        )
    return key


def _file_key(path: Path) -> bytes:
    """Return the key kept in ``path``, creating it with mode 0600 if missing."""
    from cryptography.fernet import Fernet

    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Fernet.generate_key()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            # Another process created it first: use theirs.
            return path.read_bytes().strip()
        with os.fdopen(fd, "wb") as f:
            f.write(key)
            f.flush()
            os.fsync(f.fileno())
        return key
    if path.stat().st_mode & 0o077:
        logger.warning("Encryption key %s was readable by others; restricting it", path)
        path.chmod(0o600)
    return _check_key(key, f"file {path}")


class FernetBox:
    """A :class:`SecretBox` using Fernet, with the key loaded on first use.

    Args:
        key_path: The key file to use instead of the keyring; by default
            ``secret.key`` in the user config folder, used when no keyring is.
    """

    PREFIX = "fernet:"

    def __init__(self, key_path: Path | None = None) -> None:
        self.key_path = key_path
        self._fernet: Fernet | None = None

    def _get_fernet(self) -> Fernet:
        if self._fernet is None:
            from cryptography.fernet import Fernet

            key = None if self.key_path else _keyring_key()
            if key is None:
                key = _file_key(self.key_path or paths.config_dir() / "secret.key")
            else:
                key = _check_key(key, f"in the keyring ({KEYRING_SERVICE})")
            self._fernet = Fernet(key)
        return self._fernet

    def encrypt(self, value: str) -> str:
        """Encrypt ``value`` into a ``fernet:`` token."""
        return self.PREFIX + self._get_fernet().encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        """Decrypt a ``fernet:`` token."""
        from cryptography.fernet import InvalidToken

        if not token.startswith(self.PREFIX):
            raise ValueError("not an encrypted value")
        try:
            return self._get_fernet().decrypt(token[len(self.PREFIX) :]).decode()
        except InvalidToken as e:
            raise ValueError("encrypted with a different key") from e
