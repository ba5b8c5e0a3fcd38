"""Planning an import: what to do with each entry of an export file, storing nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.forms import BASIC_FIELDS, NON_FIELD_ERRORS, BoundConfigForm, to_setting
from desktop_integrations.manager import IntegrationManager

#: What an import does with one entry.
Action = Literal["add", "update", "unchanged", "copy"]


@dataclass
class ImportChoice:
    """What an import does with one entry of the file.

    Attributes:
        number: The entry's position in the file, from 1.
        label: The entry as a person knows it: ``'Builds' (builtin.slack)``.
        action: ``"add"``, ``"update"`` (same UID), ``"unchanged"`` or ``"copy"``.
        unavailable: Its integration is not installed: stored as it is, unvalidated.
        existing: The configuration with the same UID, if any.
        problems: Why the entry cannot be imported (empty: it can).
    """

    number: int
    label: str
    action: Action = "add"
    unavailable: bool = False
    existing: IntegrationConfig | None = None
    problems: list[str] = field(default_factory=list)
    store: Callable[[], IntegrationConfig] | None = None

    def describe(self, config: IntegrationConfig | None = None) -> str:
        """Return one sentence saying what was (with ``config``) or will be done."""
        where = f" as #{config.id}" if config is not None and config.id is not None else ""
        target = f"#{self.existing.id} " if self.existing is not None else ""
        text = {
            "add": f"Add {self.label}{where}",
            "copy": f"Add {self.label} as a new copy{where}",
            "update": f"Update {target}{self.label}, which has the same UID",
            "unchanged": f"Leave {target}{self.label} unchanged: it is identical",
        }[self.action]
        if self.unavailable and self.action != "unchanged":
            text += "; its integration is not installed, so it is kept unavailable until it is"
        if config is not None:
            text = _past(text)
        return text + "."


def _past(text: str) -> str:
    for verb, done in (("Add ", "Added "), ("Update ", "Updated "), ("Leave ", "Left ")):
        if text.startswith(verb):
            return done + text.removeprefix(verb)
    return text


@dataclass
class ImportPlan:
    """What an import will do, entry by entry, before anything is stored."""

    choices: list[ImportChoice]

    @property
    def problems(self) -> list[str]:
        """Every problem, each naming its entry."""
        return [
            f"entry {c.number}, {c.label}: {problem}"
            for c in self.choices
            for problem in c.problems
        ]

    def counts(self) -> dict[str, int]:
        """Return how many entries each action applies to (invalid ones under "invalid")."""
        counts: dict[str, int] = {}
        for choice in self.choices:
            key = "invalid" if choice.problems else choice.action
            counts[key] = counts.get(key, 0) + 1
        return counts

    def summary(self) -> str:
        """Return a short summary, such as "2 to add, 1 to update, 1 unchanged"."""
        counts = self.counts()
        words = (
            ("add", "to add"),
            ("copy", "to add as copies"),
            ("update", "to update"),
            ("unchanged", "unchanged"),
            ("invalid", "not valid"),
        )
        parts = [f"{counts[key]} {text}" for key, text in words if counts.get(key)]
        return ", ".join(parts) or "nothing to import"


def _basic_problems(entry: dict[str, Any]) -> list[str]:
    problems = [
        f"{key!r} must be a JSON object"
        for key in ("settings", "extra_data")
        if not isinstance(entry.get(key, {}), dict)
    ]
    for key in ("secrets_omitted", "secret_keys"):
        names = entry.get(key, [])
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            problems.append(f"{key!r} must be a list of setting names")
    integration_id = entry.get("integration_id")
    if not isinstance(integration_id, str) or not integration_id.strip():
        problems.append("'integration_id' must be the ID of an integration")
    uid = entry.get("uid")
    if uid is not None and (not isinstance(uid, str) or not uid.strip()):
        problems.append("'uid' must be a string")
    return problems


def _unavailable_problems(entry: dict[str, Any]) -> list[str]:
    name, enabled = entry.get("name"), entry.get("enabled", True)
    problems = []
    if not isinstance(name, str) or not name.strip():
        problems.append("name: Enter a name for this configuration.")
    if not isinstance(enabled, bool):
        problems.append("'enabled' must be true or false")
    version = entry.get("settings_version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        problems.append("'settings_version' must be a whole number")
    return problems


def _form_problems(form: BoundConfigForm, omitted: list[str]) -> list[str]:
    problems = []
    for name, messages in form.errors.items():
        where = "" if name == NON_FIELD_ERRORS else f"{name}: "
        hint = " (the file was exported without secrets)" if name in omitted else ""
        problems.append(f"{where}{' '.join(messages)}{hint}")
    return problems


class Planner:
    """Plans one import: finds each entry's match and how it would be stored.

    Args:
        manager: The manager to import into.
        as_new: Add every entry as a new copy, whatever matches it.
    """

    def __init__(self, manager: IntegrationManager, *, as_new: bool) -> None:
        self.manager = manager
        self.as_new = as_new
        self.uids: dict[str, int] = {}

    def plan(self, number: int, entry: Any) -> ImportChoice:
        """Return what to do with entry ``number`` of the file."""
        if not isinstance(entry, dict):
            return ImportChoice(number, f"#{number}", problems=["it is not a JSON object"])
        label = f"{entry.get('name')!r} ({entry.get('integration_id')})"
        choice = ImportChoice(number, label, problems=_basic_problems(entry))
        if choice.problems:
            return choice
        uid = entry.get("uid")
        if uid is not None and not self.as_new:
            if uid in self.uids:
                choice.problems.append(f"its UID is also that of entry {self.uids[uid]}")
                return choice
            self.uids[uid] = number
            choice.existing = self._find(uid)
        if self.as_new:
            choice.action = "copy"
        elif choice.existing is not None:
            if choice.existing.integration_id != entry["integration_id"]:
                choice.problems.append(
                    f"its UID belongs to “{choice.existing.name}” of another integration "
                    f"({choice.existing.integration_id}); import it as a new copy instead"
                )
                return choice
            choice.action = "update"
        integration = self.manager.find_integration(entry["integration_id"])
        choice.unavailable = integration is None
        if integration is None:
            self._plan_unavailable(choice, entry)
        else:
            self._plan_form(choice, entry)
        return choice

    def _find(self, uid: str) -> IntegrationConfig | None:
        rows = self.manager.store.query("SELECT id FROM configs WHERE uid = ?", (uid,))
        return self.manager.get_config(rows[0][0]) if rows else None

    def _new_config(self, entry: dict[str, Any], uid: str | None) -> IntegrationConfig:
        config = IntegrationConfig(
            self.manager,
            entry["integration_id"],
            settings=dict(entry.get("settings", {})),
            extra_data=dict(entry.get("extra_data", {})),
        )
        config.uid = uid
        return config

    def _plan_form(self, choice: ImportChoice, entry: dict[str, Any]) -> None:
        integration = self.manager.get_integration(entry["integration_id"])
        settings, omitted = entry.get("settings", {}), entry.get("secrets_omitted", [])
        existing = choice.existing if choice.action == "update" else None
        uid = None if choice.action == "copy" else entry.get("uid")
        # Settings the form does not declare are kept, as on any save.
        config = existing.copy() if existing is not None else self._new_config(entry, uid)
        if existing is not None:
            config.settings = {**existing.settings, **settings}
            config.extra_data = dict(entry.get("extra_data", {}))
        data = {**settings, "name": entry.get("name"), "enabled": entry.get("enabled", True)}
        form = integration.build_config_form(config=config, data=data)
        choice.problems += _form_problems(form, omitted)
        if choice.problems:
            return
        if existing is not None and self._same(existing, form, config):
            choice.action = "unchanged"
            return

        def store() -> IntegrationConfig:
            if existing is not None:
                existing.settings = config.settings
                existing.extra_data = config.extra_data
                form.config = existing
            return form.save()

        choice.store = store

    @staticmethod
    def _same(
        existing: IntegrationConfig, form: BoundConfigForm, config: IntegrationConfig
    ) -> bool:
        cleaned = form.cleaned_data
        settings = dict(config.settings)
        for name, value in cleaned.items():
            if name not in BASIC_FIELDS:
                settings[name] = to_setting(value)
        return (
            existing.name == cleaned["name"]
            and existing.enabled == cleaned["enabled"]
            and existing.settings == settings
            and existing.extra_data == config.extra_data
        )

    def _plan_unavailable(self, choice: ImportChoice, entry: dict[str, Any]) -> None:
        choice.problems += _unavailable_problems(entry)
        if choice.problems:
            return
        existing = choice.existing if choice.action == "update" else None
        config = self._new_config(entry, None if choice.action == "copy" else entry.get("uid"))
        config.name, config.enabled = entry["name"].strip(), entry.get("enabled", True)
        config.settings_version = entry.get("settings_version", 0)
        config.secret_keys = set(entry.get("secret_keys", []))
        if existing is not None:
            # A secret left out of the file keeps its stored value.
            omitted = entry.get("secrets_omitted", [])
            kept = {k: v for k, v in existing.settings.items() if k in omitted}
            config.settings = {**kept, **config.settings}
            same = (existing.name, existing.enabled, existing.settings, existing.extra_data) == (
                config.name,
                config.enabled,
                config.settings,
                config.extra_data,
            )
            if same:
                choice.action = "unchanged"
                return

        def store() -> IntegrationConfig:
            if existing is None:
                config.save()
                return config
            before = existing.snapshot()
            existing.name, existing.enabled = config.name, config.enabled
            existing.settings, existing.extra_data = config.settings, config.extra_data
            existing.secret_keys = existing.secret_keys | config.secret_keys
            try:
                existing.save()
            except BaseException:
                existing.restore(before)
                raise
            return existing

        choice.store = store
