"""The team key: encrypts the secrets of a shared database on each member's desktop.

Secrets are encrypted before they leave the desktop, so the database server
(and whoever can read its tables or backups) sees only ciphertext. Every
member holds the same key file, handed out of band (a password manager, a
configuration management tool); the first member to connect to a new database
creates it. A member without the key, or with another one, still sees every
configuration; their secrets are marked as not decryptable and are kept as
stored when the configuration is saved.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_integrations import paths
from desktop_integrations.errors import StoreError

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

#: The environment variable naming the team key file.
TEAM_KEY_VARIABLE = "DESKTOP_INTEGRATIONS_TEAM_KEY"
#: The plaintext whose encryption, stored in the database, tells a key fits.
_CHECK = "desktop-integrations team key"


def team_key_path() -> Path:
    """The team key file: ``$DESKTOP_INTEGRATIONS_TEAM_KEY`` or ``team.key`` in the config dir."""
    value = os.environ.get(TEAM_KEY_VARIABLE)
    return Path(value).expanduser() if value else paths.config_dir() / "team.key"


def create_key_file(path: Path) -> bool:
    """Write a new key to ``path`` (mode 0600) unless it exists; return whether it did."""
    from cryptography.fernet import Fernet

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as f:
        f.write(Fernet.generate_key())
        f.flush()
        os.fsync(f.fileno())
    return True


class TeamKeyBox:
    """A :class:`~desktop_integrations.storage.secrets.SecretBox` using the team key.

    Without a fitting key, :meth:`decrypt` fails (the value stays sealed) and
    :meth:`encrypt` refuses, so a secret is never stored under a key the rest
    of the team does not have.

    Args:
        path: The team key file; missing is allowed.
    """

    PREFIX = "fernet:"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem = ""
        self._fernet: Fernet | None = None
        self._load()

    def _load(self) -> None:
        from cryptography.fernet import Fernet

        try:
            key = self.path.read_bytes().strip()
        except FileNotFoundError:
            self._fernet = None
            self.problem = f"This desktop does not have the team key ({self.path})."
            return
        except OSError as e:
            raise StoreError(f"Cannot read the team key {self.path}: {e.strerror or e}") from e
        if self.path.stat().st_mode & 0o077:
            self.path.chmod(0o600)
        try:
            self._fernet = Fernet(key)
        except ValueError as e:
            raise StoreError(f"The team key file {self.path} is damaged.") from e
        self.problem = ""

    @property
    def has_key(self) -> bool:
        """Whether a key that fits the database is loaded."""
        return self._fernet is not None

    def check_token(self) -> str:
        """Return a token the database keeps to tell whether a key fits."""
        return self.encrypt(_CHECK)

    def accept(self, check_token: str) -> bool:
        """Keep the key only if it decrypts the database's ``check_token``."""
        if self._fernet is None:
            return False
        try:
            fits = self.decrypt(check_token) == _CHECK
        except ValueError:
            fits = False
        if not fits:
            self._fernet = None
            self.problem = f"The team key {self.path} is not this database's team key."
        return fits

    def reload(self) -> None:
        """Read the key file again (after it was created)."""
        self._load()

    def encrypt(self, value: str) -> str:
        """Encrypt ``value`` into a ``fernet:`` token.

        Raises:
            StoreError: This desktop has no fitting team key.
        """
        if self._fernet is None:
            raise StoreError(
                f"{self.problem} Secrets cannot be saved without it: ask a team member "
                f"for the key file and put it at {self.path}."
            )
        return self.PREFIX + self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        """Decrypt a ``fernet:`` token; raise ValueError if this desktop cannot."""
        from cryptography.fernet import InvalidToken

        if not token.startswith(self.PREFIX):
            raise ValueError("not an encrypted value")
        if self._fernet is None:
            raise ValueError("cannot decrypt without the team key")
        try:
            return self._fernet.decrypt(token[len(self.PREFIX) :]).decode()
        except InvalidToken as e:
            raise ValueError("cannot decrypt: encrypted with a different team key") from e
