"""open_store(): a store for a path (SQLite) or a ``postgresql://`` URL (PostgreSQL)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from desktop_integrations.errors import StoreError
from desktop_integrations.storage.base import Store
from desktop_integrations.storage.secrets import SecretBox

#: The environment variable choosing the database (a path or a URL).
DATABASE_VARIABLE = "DESKTOP_INTEGRATIONS_DATABASE"
#: The URL schemes that select the PostgreSQL backend.
SCHEMES = ("postgresql", "postgres")


def is_postgres_url(target: object) -> bool:
    """Return whether ``target`` is a ``postgresql://`` (or ``postgres://``) URL."""
    return isinstance(target, str) and target.split("://", 1)[0].lower() in SCHEMES


def redact(url: str) -> str:
    """Return ``url`` without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def default_target() -> str | None:
    """The database ``$DESKTOP_INTEGRATIONS_DATABASE`` names, or None for the default file."""
    return os.environ.get(DATABASE_VARIABLE) or None


def open_store(target: str | Path | None = None, *, secrets: SecretBox | None = None) -> Store:
    """Open the store at ``target``.

    Args:
        target: A path opens (or creates) an SQLite file; a ``postgresql://``
            URL opens a PostgreSQL database (the ``postgres`` extra). None
            means ``$DESKTOP_INTEGRATIONS_DATABASE``, else the SQLite file in
            the data folder.
        secrets: Encrypts secret settings; by default the backend's own
            (the user's key for SQLite, the team key for PostgreSQL).

    Raises:
        SchemaTooNewError: The database was written by a newer version.
        StoreError: It cannot be opened; the message says why and where.
    """
    if target is None:
        target = default_target()
    if is_postgres_url(target):
        assert isinstance(target, str)
        try:
            from desktop_integrations.storage.postgres import PostgresStore
        except ImportError as e:
            raise StoreError(
                f"Opening {redact(target)} needs PostgreSQL support: "
                f"pip install 'desktop-integrations[postgres]'"
            ) from e
        return PostgresStore(target, secrets=secrets)
    from desktop_integrations.storage.sqlite import ConfigStore

    if isinstance(target, str) and "://" in target:
        raise StoreError(
            f"{redact(target)} is not a database this version opens: give a file path "
            f"or a postgresql:// URL."
        )
    return ConfigStore(Path(target).expanduser() if target else None, secrets=secrets)
