"""File > Export… and File > Import…: a round trip, with a preview of every change."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop_integrations import Integration, IntegrationManager
from desktop_integrations.cli.transfer import FORMAT
from desktop_integrations.ui.main_window import MainWindow
from desktop_integrations.ui.transfer_actions import export_file, import_file

from .conftest import chat_settings


def make_window(qtbot: QtBot, manager: IntegrationManager) -> MainWindow:
    window = MainWindow(manager)
    qtbot.addWidget(window)
    window.show()
    return window


def names(window: MainWindow) -> list[str]:
    model = window.configs_view.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def lines(dialog: object) -> list[str]:
    entries = dialog.entries  # type: ignore[attr-defined]
    return [entries.item(row).text() for row in range(entries.count())]


def test_export_then_import_previews_and_applies_every_change(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration, tmp_path: Path, monkeypatch
) -> None:
    for name in ("Builds", "Deploys"):
        chat.create_config(name=name, enabled=True, settings=chat_settings(), save=True)
    window = make_window(qtbot, manager)
    path = tmp_path / "export.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.actions_by_name["export"].trigger()
    assert "Exported 2 configurations" in window.banner.text()
    assert "t0k" not in path.read_text()  # the token is a secret
    document = json.loads(path.read_text())
    document["configurations"][1]["name"] = "Deploys (prod)"
    document["configurations"].append(
        {"integration_id": "vendor.pager", "name": "On call", "settings": {"team": "ops"}}
    )
    path.write_text(json.dumps(document))

    dialog = import_file(window, path)
    assert dialog is not None and dialog.isVisible()
    assert lines(dialog) == [
        "Leave #1 'Builds' (tests.chat) unchanged: it is identical.",
        "Update #2 'Deploys (prod)' (tests.chat), which has the same UID.",
        "Add 'On call' (vendor.pager); its integration is not installed, so it is kept "
        "unavailable until it is.",
    ]
    assert dialog.summary.text() == "In all: 1 to add, 1 to update, 1 unchanged."
    assert names(window) == ["Builds", "Deploys"]  # nothing stored before Import
    dialog.import_button.click()  # stored by a worker thread
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: names(window) == ["Builds", "Deploys (prod)", "On call"])
    assert "Updated #2 'Deploys (prod)'" in window.banner.text()
    token = next(c for c in manager.get_integration_configs() if c.id == 2).get("token")
    assert str(getattr(token, "get_secret_value", lambda: token)()) == "t0k"  # kept

    again = import_file(window, path)
    assert again is not None
    again.as_new.setChecked(True)
    # A copy has no stored token to keep, and the file has none.
    assert lines(again)[0] == (
        "Entry 1, 'Builds' (tests.chat): token: This field is required. "
        "(the file was exported without secrets)"
    )
    assert not again.import_button.isEnabled()
    again.reject()


def test_a_file_with_an_invalid_entry_cannot_be_imported(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration, tmp_path: Path
) -> None:
    window = make_window(qtbot, manager)
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "format": "desktop-integrations/configurations",
                "version": 2,
                "configurations": [
                    {"integration_id": "tests.chat", "name": "Fine", "settings": chat_settings()},
                    {"integration_id": "tests.chat", "name": "", "settings": chat_settings()},
                ],
            }
        )
    )
    dialog = import_file(window, path)
    assert dialog is not None
    assert not dialog.import_button.isEnabled()
    assert lines(dialog)[1] == ("Entry 2, '' (tests.chat): name: This field is required.")
    assert "Nothing can be imported" in dialog.banner.text()
    dialog.reject()
    assert names(window) == []


def test_a_file_that_is_not_an_export_is_explained(
    qtbot: QtBot, manager: IntegrationManager, tmp_path: Path
) -> None:
    window = make_window(qtbot, manager)
    path = tmp_path / "notes.json"
    path.write_text("{not json")
    dialog = import_file(window, path)
    assert dialog is not None and not dialog.import_button.isEnabled()
    assert "not valid JSON" in dialog.banner.text()
    assert export_file(window, tmp_path / "missing-folder" / "x.json") is False
    assert "Could not export" in window.banner.text()


def test_a_large_import_reports_its_first_entries_and_how_many_more(
    qtbot: QtBot, manager: IntegrationManager, chat: Integration, tmp_path: Path
) -> None:
    window = make_window(qtbot, manager)
    entries = [
        {"integration_id": "vendor.pager", "name": f"Pager {n:02d}", "settings": {}}
        for n in range(30)
    ]
    path = tmp_path / "many.json"
    path.write_text(json.dumps({"format": FORMAT, "version": 2, "configurations": entries}))

    dialog = import_file(window, path)
    assert dialog is not None
    dialog.import_button.click()
    qtbot.waitUntil(lambda: len(names(window)) == 30)

    reported = window.banner.label.text().split("<br>")
    assert reported[0] == "Imported many.json:"
    assert "Pager 00" in reported[1]
    assert reported[-1] == "…and 21 more."
    assert len(reported) == 11  # the banner stays a few lines high
