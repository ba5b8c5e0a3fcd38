"""Configuration rows shared by both backends: reading them and saving conflicts."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.errors import ConfigConflictError, StoreError
from desktop_integrations.storage.settings_codec import is_secret

if TYPE_CHECKING:
    from desktop_integrations.manager import IntegrationManager

#: The columns of ``configs`` that :func:`config_from_row` reads.
CONFIG_COLUMNS = (
    "id, integration_id, name, enabled, settings, extra_data, settings_version, revision,"
    " time_added, last_updated, uid"
)
#: The configuration generation, read inside the transaction that changed it.
GENERATION = "SELECT value FROM meta WHERE key = 'generation'"


def now_after(previous: datetime | None) -> datetime:
    """Return the current UTC time, at least a microsecond after ``previous``."""
    now = datetime.now(UTC)
    if previous is not None and now <= previous:
        now = previous + timedelta(microseconds=1)
    return now


def config_from_row(
    manager: IntegrationManager,
    row: Any,
    decode: Callable[[str], Any],
    read_time: Callable[[IntegrationConfig, Any, str], datetime | None],
) -> IntegrationConfig:
    """Build a configuration from a ``configs`` row of :data:`CONFIG_COLUMNS`.

    Args:
        manager: The manager the configuration belongs to.
        row: The row, indexable by column name.
        decode: Decodes the stored settings (``SettingsCodec.decode``).
        read_time: Reads a time column of the row for the configuration,
            noting in its problems a value that cannot be read.

    Returns:
        The configuration; what could not be read is in its ``problems``.
    """
    config = IntegrationConfig(manager, row["integration_id"], row["name"], bool(row["enabled"]))
    config.id = row["id"]
    config.uid = row["uid"]
    config.revision = row["revision"]
    config.settings_version = row["settings_version"]
    config.set_stored_settings(row["settings"], decode)
    config.time_added = read_time(config, row, "time_added")
    config.last_updated = read_time(config, row, "last_updated")
    try:
        config.extra_data = json.loads(row["extra_data"])
    except ValueError:
        config.extra_data = {}
        config.problems.append("The stored extra data could not be read.")
    return config


def extra_data_json(config: IntegrationConfig) -> str:
    """Return a configuration's extra data as JSON, to be stored.

    Raises:
        StoreError: The extra data is not JSON-compatible.
    """
    try:
        return json.dumps(config.extra_data, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise StoreError(f"The extra data of {config.name!r} is not JSON-compatible: {e}") from e


def record_save(
    config: IntegrationConfig,
    row: Any,
    secret_keys: frozenset[str] | set[str],
    time_added: datetime,
    now: datetime,
) -> None:
    """Update a configuration after its save committed, from the returned row."""
    config.id, config.revision = row["id"], row["revision"]
    config.time_added, config.last_updated = time_added, now
    config.secret_keys = set(secret_keys) | {
        key for key, value in config.settings.items() if is_secret(value)
    }


def conflict_error(
    conn: Any, config: IntegrationConfig, retry: str = "save again to overwrite"
) -> ConfigConflictError:
    """Return the error for a save or delete that lost to another change.

    Args:
        conn: The connection of the transaction that failed to write.
        config: The configuration as it was loaded.
        retry: How the user can force the change ("delete it anyway").
    """
    exists = conn.execute("SELECT 1 FROM configs WHERE id = ?", (config.id,)).fetchone()
    change = "changed" if exists else "deleted"
    return ConfigConflictError(
        f"The configuration {config.name!r} was {change} by another window or process "
        f"since it was loaded. Reload it, or {retry}."
    )
