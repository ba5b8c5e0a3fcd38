"""The conditions editor, alone and in a built-in integration's dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_integrations import ConditionField, ConditionFieldHook, Integration, IntegrationManager
from desktop_integrations.conditions import Conditions
from desktop_integrations.plugins.logfile import LogFileIntegration
from desktop_integrations.ui.conditions_editor import ConditionsEditor
from desktop_integrations.ui.config_dialog import ConfigDialog


@pytest.fixture
def logfile(manager: IntegrationManager) -> Integration:
    return manager.register_integration_class(LogFileIntegration)


def open_dialog(qtbot: QtBot, integration: Integration, **kwargs: object) -> ConfigDialog:
    dialog = ConfigDialog(integration, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    return dialog


def editor_of(dialog: ConfigDialog) -> ConditionsEditor:
    editor = dialog.field_widget("conditions")
    assert isinstance(editor, ConditionsEditor)
    return editor


def test_a_built_in_dialog_edits_conditions_with_the_editor(
    qtbot: QtBot, logfile: Integration
) -> None:
    dialog = open_dialog(qtbot, logfile)  # kept: the editor lives as long as its dialog
    editor = editor_of(dialog)
    assert editor.value() == {"mode": "always", "rules": []}
    assert editor.rules_box.isHidden() and editor.add_button.isHidden()


def test_choosing_all_offers_a_first_rule(qtbot: QtBot, logfile: Integration) -> None:
    dialog = open_dialog(qtbot, logfile)  # kept: the editor lives as long as its dialog
    editor = editor_of(dialog)
    with qtbot.waitSignal(editor.changed):
        editor.mode.setCurrentIndex(editor.mode.findData("all"))
    assert not editor.rules_box.isHidden()
    assert editor.value() == {
        "mode": "all",
        "rules": [{"choice": "kind", "operator": "is", "value": ""}],
    }


def test_stored_conditions_show_and_read_back_unchanged(qtbot: QtBot, logfile: Integration) -> None:
    stored = {
        "mode": "any",
        "rules": [
            {"choice": "level", "operator": "is", "value": "error"},
            {"choice": "field:branch", "operator": "starts with", "value": "release/"},
        ],
    }
    config = logfile.create_config(
        name="Audit", settings={"path": "/tmp/audit.jsonl", "conditions": stored}, save=True
    )
    dialog = open_dialog(qtbot, logfile, config=config)
    editor = editor_of(dialog)
    assert editor.value() == stored
    second = editor.rows[1]
    assert second.field_name.text() == "branch" and not second.field_name.isHidden()
    assert editor.rows[0].field_name.isHidden()


def test_rules_can_be_added_edited_and_removed(qtbot: QtBot, logfile: Integration) -> None:
    dialog = open_dialog(qtbot, logfile)  # kept: the editor lives as long as its dialog
    editor = editor_of(dialog)
    editor.set_value(Conditions())
    editor.mode.setCurrentIndex(editor.mode.findData("any"))
    row = editor.add_rule()
    row.choice.setCurrentIndex(row.choice.findData("field"))
    row.field_name.setText("host")
    row.operator.setCurrentIndex(row.operator.findData("contains"))
    row.value.setText("db")
    assert editor.value()["rules"][1] == {
        "choice": "field:host",
        "operator": "contains",
        "value": "db",
    }
    with qtbot.waitSignal(editor.changed):
        editor.rows[0].remove.click()
    assert editor.value()["rules"] == [
        {"choice": "field:host", "operator": "contains", "value": "db"}
    ]


def test_an_invalid_regex_is_shown_next_to_the_conditions(
    qtbot: QtBot, logfile: Integration, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, logfile)
    dialog.field_widget("name").set_value("Audit")
    dialog.field_widget("path").set_value(str(tmp_path / "a.jsonl"))
    editor = editor_of(dialog)
    editor.mode.setCurrentIndex(editor.mode.findData("all"))
    rule = editor.rows[0]
    rule.operator.setCurrentIndex(rule.operator.findData("matches regex"))
    rule.value.setText("build (failed")
    assert dialog.validate() is None
    assert "'build (failed' is not a valid regular expression" in rule.error_label.text()
    assert rule.error_label.isVisibleTo(dialog)
    assert dialog.config is None
    rule.value.setText("build (failed)")
    assert dialog.apply()
    assert dialog.config is not None
    assert dialog.config.settings["conditions"]["rules"][0]["value"] == "build (failed)"


def test_a_plugins_condition_fields_are_offered_with_their_operators(
    qtbot: QtBot, logfile: Integration
) -> None:
    owner = logfile  # any hook owner will do
    hook = ConditionFieldHook(
        owner,
        ConditionField("repository", "Repository", lambda e: e.fields.get("repository")),
        ConditionField("failures", "Failed tests", lambda e: e.fields.get("failed"), int),
    )
    try:
        dialog = open_dialog(qtbot, logfile)
        editor = editor_of(dialog)
        editor.mode.setCurrentIndex(editor.mode.findData("all"))
        row = editor.rows[0]
        labels = [row.choice.itemText(i) for i in range(row.choice.count())]
        assert labels[:4] == ["Kind", "Title", "Body", "Level"]
        assert "Repository" in labels and "Failed tests" in labels

        row.choice.setCurrentIndex(row.choice.findData("failures"))
        operators = [row.operator.itemData(i) for i in range(row.operator.count())]
        assert operators == ["is", "is not", "less than", "greater than"]
        row.operator.setCurrentIndex(row.operator.findData("greater than"))
        row.value.setText("2")
        assert editor.value()["rules"] == [
            {"choice": "failures", "operator": "greater than", "value": "2"}
        ]

        row.choice.setCurrentIndex(row.choice.findData("level"))
        assert row.operator.findData("greater than") < 0
        assert row.operator.currentData() == "is"
        assert row.value.placeholderText() == "info, success, warning, error"
    finally:
        hook.disable_hook()


def test_an_empty_rule_is_refused_with_an_error_next_to_it(
    qtbot: QtBot, logfile: Integration, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, logfile)
    dialog.field_widget("name").set_value("Audit")
    dialog.field_widget("path").set_value(str(tmp_path / "a.jsonl"))
    editor = editor_of(dialog)
    editor.mode.setCurrentIndex(editor.mode.findData("any"))
    first = editor.rows[0]  # "Kind is [blank]"
    second = editor.add_rule()
    second.value.setText("deploy")
    assert not dialog.apply()
    assert dialog.config is None
    assert first.error_label.isVisibleTo(dialog)
    assert first.error_label.text() == "Enter a value to compare Kind with."
    assert not second.error_label.isVisibleTo(dialog)
    assert dialog.banner.text().startswith("Please correct the errors below.")
    first.value.setText("build.failed")
    assert dialog.apply()
    assert not any(row.error_label.isVisibleTo(dialog) for row in editor.rows)
    rules = dialog.config.settings["conditions"]["rules"]
    assert [rule["value"] for rule in rules] == ["build.failed", "deploy"]
