"""Real write failures under the configuration dialog: it stays open and nothing is lost."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop_integrations import Integration, IntegrationManager
from desktop_integrations.ui import ConfigDialog


def fill_full_disk(manager: IntegrationManager) -> None:
    pages = manager.store.query("PRAGMA page_count")[0][0]
    manager.store.query(f"PRAGMA max_page_count = {pages}")


def make_read_only(manager: IntegrationManager) -> None:
    # Root ignores file modes, so make SQLite itself refuse writes.
    manager.store.query("PRAGMA query_only = ON")


@pytest.mark.parametrize(
    ("inject", "reason"),
    [(fill_full_disk, "full"), (make_read_only, "read-only")],
    ids=["full disk", "read-only database"],
)
def test_a_failed_save_keeps_the_dialog_open_with_the_input(
    qtbot: QtBot,
    every_kind: Integration,
    manager: IntegrationManager,
    inject: Callable[[IntegrationManager], None],
    reason: str,
) -> None:
    config = every_kind.create_config(save=True, name="Kept", settings={"notes": "short"})
    stored_before = tuple(manager.store.query("SELECT name, settings, revision FROM configs")[0])
    dialog = ConfigDialog(every_kind, config)
    qtbot.addWidget(dialog)
    dialog.show()
    long_notes = "n" * 20_000
    for name, value in (("name", "Renamed"), ("notes", long_notes)):
        widget = dialog.field_widget(name)
        widget.set_value(value)
        widget.changed.emit()
    inject(manager)

    dialog.button_box.button(QDialogButtonBox.StandardButton.Ok).click()

    assert dialog.isVisible()
    assert reason in dialog.banner.text()
    assert dialog.field_widget("name").value() == "Renamed"
    assert dialog.field_widget("notes").value() == long_notes
    assert (config.name, config.settings["notes"]) == ("Kept", "short")
    assert tuple(manager.store.query("SELECT name, settings, revision FROM configs")[0]) == (
        stored_before
    )
