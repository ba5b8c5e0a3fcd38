"""Default locations of the database, plugins folder, encryption key and cache."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "desktop-integrations"
DATABASE_NAME = "integrations.sqlite3"


def _from_env(variable: str, default: str) -> Path:
    value = os.environ.get(variable)
    return Path(value).expanduser() if value else Path(default)


def data_dir() -> Path:
    """The data folder: ``$DESKTOP_INTEGRATIONS_DATA_DIR`` or the user data dir."""
    return _from_env(
        "DESKTOP_INTEGRATIONS_DATA_DIR",
        platformdirs.user_data_dir(APP_NAME, appauthor=False),
    )


def config_dir() -> Path:
    """The folder holding the encryption key, apart from the data folder.

    ``$DESKTOP_INTEGRATIONS_CONFIG_DIR`` or the user config dir.
    """
    return _from_env(
        "DESKTOP_INTEGRATIONS_CONFIG_DIR",
        platformdirs.user_config_dir(APP_NAME, appauthor=False),
    )


def cache_dir() -> Path:
    """The folder of things that can be rebuilt, such as plugin probe verdicts.

    ``$DESKTOP_INTEGRATIONS_CACHE_DIR`` or the user cache dir.
    """
    return _from_env(
        "DESKTOP_INTEGRATIONS_CACHE_DIR",
        platformdirs.user_cache_dir(APP_NAME, appauthor=False),
    )


def database_path(folder: Path | None = None) -> Path:
    """The configuration database in ``folder`` (default: :func:`data_dir`)."""
    return (folder or data_dir()) / DATABASE_NAME


def plugins_dir(folder: Path | None = None) -> Path:
    """The user plugins folder.

    ``$DESKTOP_INTEGRATIONS_PLUGINS_DIR``, else ``plugins`` in ``folder`` (default:
    :func:`data_dir`).
    """
    value = os.environ.get("DESKTOP_INTEGRATIONS_PLUGINS_DIR")
    if value:
        return Path(value).expanduser()
    return (folder or data_dir()) / "plugins"
