"""Exporting configurations to a JSON file and importing them back: a round trip.

An export holds every configuration, with its stable UID, and leaves secret
settings out unless asked to include them. An import first plans what it will
do with each entry (see :func:`plan_import`): add it, update the configuration
with the same UID, leave an identical one unchanged, or (``as_new``) add a
copy. An entry whose integration is not installed is added or updated as an
unavailable configuration, checked when its plugin comes back. Nothing is
stored unless every entry is valid.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_integrations.cli.import_planner import ImportChoice, ImportPlan, Planner
from desktop_integrations.config import IntegrationConfig
from desktop_integrations.errors import IntegrationError
from desktop_integrations.manager import IntegrationManager

__all__ = [
    "FORMAT",
    "ConfigImportError",
    "ImportChoice",
    "ImportPlan",
    "apply_import",
    "export_configs",
    "import_configs",
    "plan_import",
]

#: Identifies an export file.
FORMAT = "desktop-integrations/configurations"
FORMAT_VERSION = 2


class ConfigImportError(IntegrationError):
    """An import file cannot be imported; nothing was stored.

    Attributes:
        problems: One message per problem, each naming the entry and field.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def _secret_keys(manager: IntegrationManager, config: IntegrationConfig) -> set[str]:
    integration = manager.find_integration(config.integration_id)
    keys = set(config.secret_keys) | set(config.sealed)
    return keys | integration.secret_fields if integration is not None else keys


def export_entry(
    manager: IntegrationManager, config: IntegrationConfig, *, include_secrets: bool = False
) -> dict[str, Any]:
    """Return one configuration as an entry of an export document."""
    secret_keys = _secret_keys(manager, config)
    settings = dict(config.settings)
    # An empty secret has nothing to leave out: it is exported as it is.
    omitted = sorted(
        key
        for key in secret_keys
        if settings.get(key) not in (None, "", []) or key in config.sealed
    )
    if include_secrets:
        omitted = sorted(config.sealed)
    for key in omitted:
        settings.pop(key, None)
    entry: dict[str, Any] = {
        "uid": config.uid,
        "integration_id": config.integration_id,
        "name": config.name,
        "enabled": config.enabled,
        "settings": settings,
        "extra_data": config.extra_data,
        "settings_version": config.settings_version,
    }
    if omitted:
        entry["secrets_omitted"] = omitted
    kept = sorted(key for key in secret_keys if key in settings)
    if kept:
        entry["secret_keys"] = kept
    return entry


def export_configs(manager: IntegrationManager, *, include_secrets: bool = False) -> dict[str, Any]:
    """Return every configuration, available or not, as an export document.

    Args:
        manager: The manager whose configurations to export.
        include_secrets: Include secret settings, in plaintext.
    """
    entries = [
        export_entry(manager, config, include_secrets=include_secrets)
        for config in manager.get_integration_configs()
    ]
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported": datetime.now(UTC).isoformat(),
        "configurations": entries,
    }


def dump_document(document: dict[str, Any]) -> str:
    """Return an export document as the text of its file."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable only by the user.

    Raises:
        OSError: The file could not be written.
    """
    import tempfile  # only exports need it

    folder = path.resolve().parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def parse_document(text: str) -> list[Any]:
    """Return the entries of an export file's text.

    Raises:
        ConfigImportError: It is not an export file; the message says why.
    """
    try:
        document = json.loads(text)
    except ValueError as e:
        raise ConfigImportError(f"The file is not valid JSON: {e}.") from e
    except RecursionError:
        raise ConfigImportError(
            "The file nests values too deeply to be an export file; nothing was imported."
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ConfigImportError(f"The file is not an export of desktop-integrations ({FORMAT}).")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > FORMAT_VERSION:
        raise ConfigImportError(
            f"The file has format version {version!r}; this version reads up to "
            f"{FORMAT_VERSION}. Update the application to import it."
        )
    entries = document.get("configurations")
    if not isinstance(entries, list):
        raise ConfigImportError("The file has no list of 'configurations'.")
    return entries


def plan_import(manager: IntegrationManager, text: str, *, as_new: bool = False) -> ImportPlan:
    """Return what importing an export file's text would do, storing nothing.

    Args:
        manager: The manager to import into.
        text: The file's text.
        as_new: Add every entry as a new configuration (with a new UID), even
            one that matches a stored configuration.

    Raises:
        ConfigImportError: The file is not an export file.
    """
    planner = Planner(manager, as_new=as_new)
    entries = parse_document(text)
    return ImportPlan([planner.plan(number, entry) for number, entry in enumerate(entries, 1)])


def apply_import(
    manager: IntegrationManager, plan: ImportPlan
) -> list[tuple[ImportChoice, IntegrationConfig | None]]:
    """Store what ``plan`` says, in one transaction; return each choice with its configuration.

    An unchanged entry is paired with its existing configuration, untouched.

    Raises:
        ConfigImportError: An entry is invalid (:attr:`~ConfigImportError.problems`
            names each); nothing was stored.
        StoreError: The database could not be written; nothing was kept.
    """
    problems = plan.problems
    if problems:
        invalid = plan.counts().get("invalid", 0)
        raise ConfigImportError(
            f"Nothing was imported: {invalid} of {len(plan.choices)} configurations are not valid.",
            problems,
        )
    results: list[tuple[ImportChoice, IntegrationConfig | None]] = []
    try:
        # The manager's lock first, as every save takes it before the store's:
        # another thread that reads the manager meanwhile cannot deadlock us.
        with manager.lock, manager.store.transaction(f"import {len(plan.choices)} configurations"):
            for choice in plan.choices:
                stored = choice.store() if choice.store is not None else choice.existing
                results.append((choice, stored))
    except BaseException:
        # The rollback undid saves the manager had already cached.
        manager.check_expired()
        raise
    return results


def import_configs(
    manager: IntegrationManager, text: str, *, as_new: bool = False
) -> list[IntegrationConfig]:
    """Plan and apply an import (see :func:`plan_import`); return what was stored.

    Returns:
        The configurations added or updated, in file order.

    Raises:
        ConfigImportError: The file is unreadable or an entry is invalid;
            nothing was stored.
        StoreError: The database could not be written; nothing was kept.
    """
    results = apply_import(manager, plan_import(manager, text, as_new=as_new))
    return [config for choice, config in results if config is not None and choice.store]
