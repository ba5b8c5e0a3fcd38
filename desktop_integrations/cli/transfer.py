"""Exporting configurations to a JSON file and importing them back.

An export leaves secret settings out unless asked to include them. An import
validates every configuration through its integration's form first, and
stores nothing unless all of them are valid.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.errors import IntegrationError
from desktop_integrations.forms import NON_FIELD_ERRORS, BoundConfigForm
from desktop_integrations.manager import IntegrationManager

#: Identifies an export file.
FORMAT = "desktop-integrations/configurations"
FORMAT_VERSION = 1


class ConfigImportError(IntegrationError):
    """An import file cannot be imported; nothing was stored.

    Attributes:
        problems: One message per problem, each naming the entry and field.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def export_configs(manager: IntegrationManager, *, include_secrets: bool = False) -> dict[str, Any]:
    """Return every configuration as an export document.

    Args:
        manager: The manager whose configurations to export.
        include_secrets: Include secret settings, in plaintext.
    """
    entries = []
    for config in manager.get_integration_configs():
        integration = manager.find_integration(config.integration_id)
        secret_keys = set(config.secret_keys) | set(config.sealed)
        if integration is not None:
            secret_keys |= integration.secret_fields
        settings = dict(config.settings)
        omitted = sorted(key for key in secret_keys if key in settings or key in config.sealed)
        if include_secrets:
            omitted = sorted(config.sealed)
        for key in omitted:
            settings.pop(key, None)
        entry: dict[str, Any] = {
            "integration_id": config.integration_id,
            "name": config.name,
            "enabled": config.enabled,
            "settings": settings,
            "extra_data": config.extra_data,
        }
        if omitted:
            entry["secrets_omitted"] = omitted
        entries.append(entry)
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported": datetime.now(UTC).isoformat(),
        "configurations": entries,
    }


def parse_document(text: str) -> list[dict[str, Any]]:
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
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ConfigImportError(
            f"The file has format version {version!r}; this version reads up to "
            f"{FORMAT_VERSION}. Update the application to import it."
        )
    entries = document.get("configurations")
    if not isinstance(entries, list):
        raise ConfigImportError("The file has no list of 'configurations'.")
    return entries


def _check_entry(
    manager: IntegrationManager, number: int, entry: Any
) -> tuple[str, BoundConfigForm | None, list[str]]:
    """Return the entry's label, its valid bound form (or None), and its problems."""
    if not isinstance(entry, dict):
        return f"entry {number}", None, ["it is not a JSON object"]
    label = f"entry {number} ({entry.get('name')!r}, {entry.get('integration_id')!r})"
    settings, extra_data = entry.get("settings", {}), entry.get("extra_data", {})
    omitted = entry.get("secrets_omitted", [])
    problems = [
        f"{key!r} must be a JSON object"
        for key, value in (("settings", settings), ("extra_data", extra_data))
        if not isinstance(value, dict)
    ]
    if not isinstance(omitted, list) or not all(isinstance(key, str) for key in omitted):
        problems.append("'secrets_omitted' must be a list of setting names")
    integration = manager.find_integration(str(entry.get("integration_id")))
    if integration is None:
        problems.append("its integration is not installed")
    if problems or integration is None:
        return label, None, problems
    # Settings the form does not declare are kept, as on any save.
    config = integration.create_config(settings=dict(settings), extra_data=dict(extra_data))
    data = {**settings, "name": entry.get("name"), "enabled": entry.get("enabled", True)}
    form = integration.build_config_form(config=config, data=data)
    for field, messages in form.errors.items():
        where = "" if field == NON_FIELD_ERRORS else f"{field}: "
        hint = " (the file was exported without secrets)" if field in omitted else ""
        problems.append(f"{where}{' '.join(messages)}{hint}")
    return label, (None if problems else form), problems


def import_configs(manager: IntegrationManager, text: str) -> list[IntegrationConfig]:
    """Validate every configuration in an export file's text, then store them all.

    Returns:
        The stored configurations, in file order.

    Raises:
        ConfigImportError: The file is unreadable or a configuration is
            invalid; :attr:`ConfigImportError.problems` lists every invalid
            one, naming the entry and the field. Nothing was stored.
        StoreError: The database could not be written; nothing was kept.
    """
    entries = parse_document(text)
    forms: list[BoundConfigForm] = []
    problems: list[str] = []
    invalid = 0
    for number, entry in enumerate(entries, start=1):
        label, form, entry_problems = _check_entry(manager, number, entry)
        problems += [f"{label}: {problem}" for problem in entry_problems]
        invalid += bool(entry_problems)
        if form is not None:
            forms.append(form)
    if problems:
        raise ConfigImportError(
            f"Nothing was imported: {invalid} of {len(entries)} configurations are not valid.",
            problems,
        )
    try:
        with manager.store.transaction(f"import {len(forms)} configurations"):
            return [form.save() for form in forms]
    except BaseException:
        # The rollback undid saves the manager had already cached.
        manager.check_expired()
        raise
