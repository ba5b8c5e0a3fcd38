from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QHBoxLayout, QLabel, QWidget
from pytestqt.qtbot import QtBot

from desktop_integrations import Integration, IntegrationConfigForm, IntegrationManager
from desktop_integrations.fields import UIField
from desktop_integrations.ui import ConfigDialog, FieldWidget, register_widget
from desktop_integrations.ui.widgets import unregister_widget
from desktop_integrations.ui.widgets.check_box_field import CheckBoxField
from desktop_integrations.ui.widgets.check_list_field import CheckListField
from desktop_integrations.ui.widgets.combo_box_field import ComboBoxField
from desktop_integrations.ui.widgets.double_spin_box_field import DoubleSpinBoxField
from desktop_integrations.ui.widgets.line_edit_field import LineEditField
from desktop_integrations.ui.widgets.optional_field import OptionalField
from desktop_integrations.ui.widgets.path_field import PathField
from desktop_integrations.ui.widgets.secret_field import SecretField
from desktop_integrations.ui.widgets.spin_box_field import SpinBoxField
from desktop_integrations.ui.widgets.string_list_field import StringListField
from desktop_integrations.ui.widgets.temporal_field import TemporalField
from desktop_integrations.ui.widgets.text_edit_field import TextEditField


@pytest.fixture
def dialog(qtbot: QtBot, every_kind: Integration) -> ConfigDialog:
    dialog = ConfigDialog(every_kind)
    qtbot.addWidget(dialog)
    return dialog


EXPECTED = {
    "text": LineEditField,
    "notes": TextEditField,
    "secret": SecretField,
    "count": SpinBoxField,
    "ratio": DoubleSpinBoxField,
    "flag": CheckBoxField,
    "mode": ComboBoxField,
    "priority": ComboBoxField,
    "url": LineEditField,
    "path": PathField,
    "tags": StringListField,
    "levels": CheckListField,
    "when": OptionalField,
    "day": TemporalField,
    "at": TemporalField,
    "limit": OptionalField,
    "mapping": LineEditField,
}


def test_each_type_gets_its_widget(dialog: ConfigDialog) -> None:
    for name, widget_cls in EXPECTED.items():
        assert type(dialog.field_widget(name)) is widget_cls, name
    assert isinstance(dialog.field_widget("when").inner, TemporalField)  # type: ignore[attr-defined]
    assert isinstance(dialog.field_widget("limit").inner, SpinBoxField)  # type: ignore[attr-defined]


def test_limits_from_constraints(dialog: ConfigDialog) -> None:
    count = dialog.field_widget("count").spin_box  # type: ignore[attr-defined]
    assert (count.minimum(), count.maximum()) == (1, 5)
    ratio = dialog.field_widget("ratio").spin_box  # type: ignore[attr-defined]
    assert (ratio.minimum(), ratio.maximum()) == (0.0, 1.0)
    assert ratio.decimals() == 2
    text = dialog.field_widget("text").line_edit  # type: ignore[attr-defined]
    assert text.maxLength() == 8 and text.placeholderText() == ""
    url = dialog.field_widget("url").line_edit  # type: ignore[attr-defined]
    assert url.placeholderText() == "https://"


def test_choices_are_offered_by_label(dialog: ConfigDialog) -> None:
    combo = dialog.field_widget("priority").combo_box  # type: ignore[attr-defined]
    assert [combo.itemText(i) for i in range(combo.count())] == ["Low", "High"]
    checks = dialog.field_widget("levels").list_widget  # type: ignore[attr-defined]
    assert [checks.item(i).text() for i in range(checks.count())] == ["info", "error"]


def test_every_widget_saves_what_it_shows(
    qtbot: QtBot, dialog: ConfigDialog, manager: IntegrationManager, tmp_path: Path
) -> None:
    values: dict[str, Any] = {
        "name": "All",
        "text": "short",
        "notes": "line 1\nline 2",
        "secret": "hunter2",
        "count": 4,
        "ratio": 0.25,
        "flag": True,
        "mode": "slow",
        "priority": "high",
        "url": "https://example.com/x",
        "path": str(tmp_path / "out.log"),
        "tags": ["a", "b c"],
        "levels": ["error"],
        "when": "2025-03-04T05:06:07",
        "day": "2025-12-31",
        "at": "23:15:00",
        "limit": 7,
        "mapping": {"x": 1},
    }
    for name, value in values.items():
        dialog.field_widget(name).set_value(value)
    dialog.button_box.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.banner.text() == ""
    [config] = manager.get_integration_configs()
    expected = {k: v for k, v in values.items() if k != "name"}
    expected["enabled"] = True
    assert {"enabled": config.enabled, **config.settings} == expected


def test_optional_fields_can_be_left_empty(
    dialog: ConfigDialog, manager: IntegrationManager
) -> None:
    dialog.field_widget("name").set_value("Empty")
    dialog.button_box.button(QDialogButtonBox.StandardButton.Ok).click()
    [config] = manager.get_integration_configs()
    for name in ("secret", "url", "path", "when", "limit"):
        assert config.settings[name] is None, name


def test_unset_box_of_an_optional_number(dialog: ConfigDialog) -> None:
    limit = dialog.field_widget("limit")
    assert limit.value() is None
    limit.set_box.setChecked(True)  # type: ignore[attr-defined]
    limit.inner.set_value(3)  # type: ignore[attr-defined]
    assert limit.value() == 3


def test_string_list_add_and_remove(qtbot: QtBot, dialog: ConfigDialog) -> None:
    tags = dialog.field_widget("tags")
    assert isinstance(tags, StringListField)
    tags.set_value(["one", "two"])
    tags.list_widget.setCurrentRow(0)
    tags.remove_selected()
    assert tags.value() == ["two"]
    tags.add_entry("three")
    tags.add_entry()  # a blank entry is not a value
    assert tags.value() == ["two", "three"]


def test_unknown_type_falls_back_to_a_line_edit_validated_by_pydantic(
    dialog: ConfigDialog, manager: IntegrationManager
) -> None:
    dialog.field_widget("name").set_value("Bad map")
    dialog.field_widget("mapping").line_edit.setText('{"x": "not a number"}')  # type: ignore[attr-defined]
    dialog.button_box.button(QDialogButtonBox.StandardButton.Ok).click()
    assert "whole number" in dialog._rows["mapping"].error_label.text()
    assert manager.get_integration_configs() == []


def test_dates_show_stored_iso_text(dialog: ConfigDialog) -> None:
    when = dialog.field_widget("when")
    when.set_value("2024-05-06T07:08:09")
    assert when.value() == dt.datetime(2024, 5, 6, 7, 8, 9)
    assert dialog.field_widget("day").value() == dt.date(2024, 1, 2)
    assert dialog.field_widget("at").value() == dt.time(9, 30)


class Colour(BaseModel):
    hex: str


class ColourField(FieldWidget):
    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.current = "#000000"

    def value(self) -> Any:
        return {"hex": self.current}

    def set_value(self, value: Any) -> None:
        self.current = value["hex"] if isinstance(value, dict) else "#000000"


class PaintForm(IntegrationConfigForm):
    colour: Colour = Field(
        default=Colour(hex="#ffffff"), title="Colour", description="The fill colour."
    )
    caption: str = Field(
        default="",
        title="Caption",
        description="Shown under the picture.",
        json_schema_extra={"widget": "shout"},
    )


class PaintIntegration(Integration):
    integration_id = "tests.paint"
    name = "Paint"
    config_form_cls = PaintForm


def test_code_outside_the_dialog_registers_widgets_by_type_and_hint(
    qtbot: QtBot, manager: IntegrationManager
) -> None:
    paint = manager.register_integration_class(PaintIntegration)
    register_widget(Colour, ColourField)
    register_widget("shout", TextEditField)
    try:
        dialog = ConfigDialog(paint)
        qtbot.addWidget(dialog)
        colour = dialog.field_widget("colour")
        assert isinstance(colour, ColourField)
        assert colour.current == "#ffffff"
        assert isinstance(dialog.field_widget("caption"), TextEditField)
        dialog.field_widget("name").set_value("Art")
        colour.current = "#123456"
        dialog.button_box.button(QDialogButtonBox.StandardButton.Ok).click()
        [config] = manager.get_integration_configs()
        assert config.settings["colour"] == {"hex": "#123456"}
    finally:
        unregister_widget(Colour)
        unregister_widget("shout")


class SwatchField(ColourField):
    """A plugin's widget with a layout of its own."""

    def __init__(self, field: UIField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = QHBoxLayout(self)
        layout.addWidget(QLabel("swatch", self))


def _top(widget: QWidget, dialog: ConfigDialog) -> int:
    return widget.mapTo(dialog, QPoint(0, 0)).y()


def test_help_and_errors_show_under_every_widget(qtbot: QtBot, manager: IntegrationManager) -> None:
    paint = manager.register_integration_class(PaintIntegration)
    register_widget(Colour, SwatchField)
    try:
        dialog = ConfigDialog(paint)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.show_errors({"colour": ["Not a colour."], "caption": ["Too long."]})
        labels = {label.text(): label for label in dialog.findChildren(QLabel)}
        for name, help_text, error in (
            ("colour", "The fill colour.", "Not a colour."),
            ("caption", "Shown under the picture.", "Too long."),
        ):
            widget = dialog.field_widget(name)
            editor = widget.focusProxy() or widget.findChild(QLabel)
            assert labels[help_text].isVisible() and labels[error].isVisible()
            assert _top(editor, dialog) + editor.height() <= _top(labels[help_text], dialog)
            assert _top(labels[help_text], dialog) < _top(labels[error], dialog)
            assert labels[error] is dialog._rows[name].error_label
    finally:
        unregister_widget(Colour)


def test_check_box_carries_its_own_label(dialog: ConfigDialog) -> None:
    flag = dialog.field_widget("flag")
    assert flag.check_box.text() == "Flag"  # type: ignore[attr-defined]
    flag.check_box.click()  # type: ignore[attr-defined]
    assert flag.value() is True
    assert (
        dialog.field_widget("levels").list_widget.item(0).flags() & Qt.ItemFlag.ItemIsUserCheckable
    )  # type: ignore[attr-defined]


def test_stored_time_zone_is_kept(dialog: ConfigDialog) -> None:
    when = dialog.field_widget("when")
    when.set_value("2024-05-06T07:08:09+02:00")
    assert when.value() == dt.datetime.fromisoformat("2024-05-06T07:08:09+02:00")


def test_unknown_type_passes_plain_text_through(dialog: ConfigDialog) -> None:
    mapping = dialog.field_widget("mapping")
    mapping.line_edit.setText("123")  # type: ignore[attr-defined]
    assert mapping.value() == "123"
    mapping.line_edit.setText('{"a": 1}')  # type: ignore[attr-defined]
    assert mapping.value() == {"a": 1}


def test_a_choice_shows_its_labels_not_its_raw_values(
    qtbot: QtBot, manager: IntegrationManager
) -> None:
    from typing import Literal

    class SecurityForm(IntegrationConfigForm):
        security: Literal["none", "starttls"] = Field(
            default="starttls",
            json_schema_extra={"choice_labels": {"none": "None", "starttls": "STARTTLS"}},
        )

    cls = type("Security", (Integration,), {"name": "Security", "config_form_cls": SecurityForm})
    dialog = ConfigDialog(manager.register_integration_class(cls))
    qtbot.addWidget(dialog)
    combo = dialog.field_widget("security")
    assert isinstance(combo, ComboBoxField)
    box = combo.combo_box
    assert [box.itemText(i) for i in range(box.count())] == ["None", "STARTTLS"]
    assert combo.value() == "starttls"
