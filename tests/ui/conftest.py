"""UI fixtures: isolated QSettings, start-up without an event loop, and test integrations.

The integrations are defined here, not taken from the built-in plugins.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from pydantic import Field, HttpUrl, SecretStr
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_integrations import Integration, IntegrationConfigForm, IntegrationManager
from desktop_integrations.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "qsettings"
    for format_ in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(format_, QSettings.Scope.UserScope, str(folder))
        QSettings.setPath(format_, QSettings.Scope.SystemScope, str(folder / "system"))
    yield folder


@pytest.fixture(autouse=True)
def no_blocking_message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Answer every message box at once (Cancel), recording (kind, title); tests override."""
    shown: list[tuple[str, str]] = []

    def answer(kind: str) -> object:
        def show(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
            shown.append((kind, str(args[1]) if len(args) > 1 else ""))
            return QMessageBox.StandardButton.Cancel

        return staticmethod(show)

    for kind in ("question", "warning", "critical", "information", "about"):
        monkeypatch.setattr(QMessageBox, kind, answer(kind))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(("exec", self.text())) or 0)
    return shown


class Priority(enum.Enum):
    LOW = "low"
    HIGH = "high"


class ChatForm(IntegrationConfigForm):
    webhook_url: HttpUrl = Field(title="Webhook URL", description="Where messages are posted.")
    channel: str = Field(default="#general", title="Channel", max_length=20, pattern=r"^#")
    token: SecretStr = Field(title="Token")
    retries: int = Field(default=3, title="Retries", ge=0, le=10)

    class Meta:
        fieldsets = (
            (
                "Connection",
                {
                    "fields": ("webhook_url", "channel", "token"),
                    "description": "Create an incoming webhook first.\nThen paste it.",
                },
            ),
            ("Advanced", {"fields": ("retries",), "classes": ("collapse",)}),
        )


class ChatIntegration(Integration):
    integration_id = "tests.chat"
    name = "Chat"
    description = "Posts messages to a chat channel."
    default_settings = {"webhook_url": "https://chat.example/hook"}
    config_form_cls = ChatForm


class EveryKindForm(IntegrationConfigForm):
    text: str = Field(default="", title="Text", max_length=8)
    notes: str = Field(default="", title="Notes", json_schema_extra={"widget": "textarea"})
    secret: SecretStr | None = Field(default=None, title="Secret")
    count: int = Field(default=1, title="Count", ge=1, le=5)
    ratio: float = Field(default=0.5, title="Ratio", ge=0, le=1)
    flag: bool = Field(default=False, title="Flag")
    mode: Literal["fast", "slow"] = Field(default="fast", title="Mode")
    priority: Priority = Field(default=Priority.LOW, title="Priority")
    url: HttpUrl | None = Field(default=None, title="URL")
    path: Path | None = Field(default=None, title="Path")
    tags: list[str] = Field(default_factory=list, title="Tags")
    levels: set[Literal["info", "error"]] = Field(default_factory=set, title="Levels")
    when: dt.datetime | None = Field(default=None, title="When")
    day: dt.date = Field(default=dt.date(2024, 1, 2), title="Day")
    at: dt.time = Field(default=dt.time(9, 30), title="At")
    limit: int | None = Field(default=None, title="Limit")
    mapping: dict[str, int] = Field(default_factory=dict, title="Mapping")


class EveryKindIntegration(Integration):
    integration_id = "tests.every_kind"
    name = "Every Kind"
    description = "A form with one field of each kind."
    config_form_cls = EveryKindForm


@pytest.fixture
def chat(manager: IntegrationManager) -> Integration:
    return manager.register_integration_class(ChatIntegration)


@pytest.fixture
def every_kind(manager: IntegrationManager) -> Integration:
    return manager.register_integration_class(EveryKindIntegration)


def chat_settings(**overrides: object) -> dict[str, object]:
    return {
        "webhook_url": "https://chat.example/a",
        "channel": "#dev",
        "token": "t0k",
        "retries": 2,
        **overrides,
    }


@pytest.fixture
def no_event_loop(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[MainWindow]]:
    """Run start-up up to the event loop, then return 0 at once; collect the windows shown."""
    shown: list[MainWindow] = []

    def exec_() -> int:
        shown.extend(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(exec_))
    yield shown
    for window in shown:
        window.deleteLater()
    QApplication.processEvents()
