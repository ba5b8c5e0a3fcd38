"""The Log file integration: appends every event to a file, one JSON line each.

A configuration may come from a file someone else shared, so it appends only
to a file that is new (or empty) or already holds its JSON lines, never to
one under ``~/.ssh``, a shell start-up file or a system folder: a title such
as ``$(curl … | sh)`` appended to ``~/.bashrc`` would run at the next login.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from desktop_integrations import Extension, IntegrationHook, __version__
from desktop_integrations.delivery import (
    DeliveryError,
    DeliveryPool,
    Outcome,
    ServiceConfigForm,
    ServiceIntegration,
)
from desktop_integrations.delivery.formatting import event_document
from desktop_integrations.events import Event

# Deliveries run on several workers: one line must never interleave with another.
_write_lock = threading.Lock()

#: Files run or read by a shell or session at start-up, in the home folder.
_STARTUP_FILES = {
    ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc",
    ".zshenv", ".zprofile", ".zlogin", ".zlogout", ".cshrc", ".tcshrc", ".login", ".kshrc",
    ".mkshrc", ".xprofile", ".xinitrc", ".xsession", ".xsessionrc", ".pam_environment",
    ".inputrc", ".envrc",
}  # fmt: skip
_STARTUP_FOLDERS = (".ssh", ".gnupg", ".config/autostart", ".config/fish", ".config/systemd")
_SYSTEM_FOLDERS = ("/etc", "/bin", "/sbin", "/usr", "/lib", "/lib32", "/lib64", "/boot",
                   "/dev", "/proc", "/sys", "/var/spool", "/opt")  # fmt: skip


def _is_under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def path_problem(value: str) -> str | None:
    """Return why events must not be appended to ``value``, or None if they may.

    The path is resolved first, so a symbolic link cannot lead elsewhere.
    """
    path = Path(value).expanduser()
    if not path.is_absolute():
        return "Give the full path of the file, such as ~/events.jsonl."
    path = Path(os.path.realpath(path))
    home = Path(os.path.realpath(Path.home()))
    shown = str(path)
    if _is_under(path, home) and path.parent == home and path.name in _STARTUP_FILES:
        return (
            f"{shown} is a shell start-up file; choose a file of its own, such as ~/events.jsonl."
        )
    for folder in _STARTUP_FOLDERS:
        if _is_under(path, home / folder):
            return f"{shown} is in {home / folder}, which holds keys or start-up files."
    for name in _SYSTEM_FOLDERS:
        if _is_under(path, Path(name)) and not _is_under(home, Path(name)):
            return f"{shown} is in the system folder {name}; choose a file of your own."
    try:
        with path.open("rb") as stream:
            first = stream.readline(65536)
    except OSError:
        return None  # missing (it is created), a folder or unreadable: writing says why
    if not first.strip():
        return None
    try:
        document = json.loads(first)
    except ValueError:
        document = None
    if not isinstance(document, dict) or not {"kind", "title"} <= document.keys():
        return (
            f"{shown} already holds something other than this integration's JSON lines; "
            f"choose a new file."
        )
    return None


class LogFileConfigForm(ServiceConfigForm):
    """Where the log file is."""

    path: str = Field(
        title="Log file",
        description="The full path of the file to append to; it is created if missing. "
        "Each event becomes one line of JSON.",
        min_length=1,
    )

    class Meta:
        """Fieldsets."""

        fieldsets = (
            (
                "What To Post",
                {
                    "description": "Choose which events are written to the file.",
                    "fields": ("conditions",),
                },
            ),
            (
                "Where To Post",
                {"description": "Choose the file the events go to.", "fields": ("path",)},
            ),
        )

    @field_validator("path")
    @classmethod
    def _safe(cls, value: str) -> str:
        problem = path_problem(value.strip())
        if problem is not None:
            raise PydanticCustomError("unsafe_path", problem)
        return str(Path(value.strip()).expanduser())


class LogFileIntegration(ServiceIntegration):
    """Appends every event to a file as one JSON object per line."""

    integration_id = "builtin.logfile"
    name = "Log file"
    description = "Appends every event to a file, one line of JSON each."
    config_form_cls = LogFileConfigForm
    icon_name = "logfile"

    def send(self, settings: Mapping[str, Any], event: Event, pool: DeliveryPool) -> Outcome:
        """Append the event to the file."""
        path = Path(settings["path"])
        line = json.dumps(event_document(event), ensure_ascii=False) + "\n"
        try:
            with _write_lock:
                problem = path_problem(str(path))
                if problem is not None:
                    raise DeliveryError(f"Refused to write to {path}: {problem}")
                path.parent.mkdir(parents=True, exist_ok=True)
                # Created readable by the user only: events may say more than they should.
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                with os.fdopen(fd, "a", encoding="utf-8") as stream:
                    stream.write(line)
        except OSError as e:
            raise DeliveryError(f"Could not write to {path}: {e.strerror or e}") from e
        return Outcome(f"appended to {path}")


class LogFileExtension(Extension):
    """Provides the Log file integration."""

    name = "Log file"
    version = __version__
    description = "Writes events to a file, one line of JSON each."

    def initialize(self) -> None:
        """Register the integration."""
        IntegrationHook(self, LogFileIntegration)
