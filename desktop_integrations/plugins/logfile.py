"""The Log file integration: appends every event to a file, one JSON line each."""

from __future__ import annotations

import json
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
    def _absolute(cls, value: str) -> str:
        path = Path(value.strip()).expanduser()
        if not path.is_absolute():
            raise PydanticCustomError(
                "relative_path", "Give the full path of the file, such as ~/events.jsonl."
            )
        return str(path)


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
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("a", encoding="utf-8") as stream:
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
