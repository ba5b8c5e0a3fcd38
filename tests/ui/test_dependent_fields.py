"""The dialog applies dependent-field rules as the user types."""

from __future__ import annotations

import pytest
from pydantic import Field
from pytestqt.qtbot import QtBot

from desktop_integrations import (
    Integration,
    IntegrationConfigForm,
    IntegrationManager,
    RequiredText,
    enabled_when,
    visible_when,
)
from desktop_integrations.plugins.email import EmailIntegration
from desktop_integrations.ui import ConfigDialog


def make_dialog(qtbot: QtBot, integration: Integration, config: object = None) -> ConfigDialog:
    dialog = ConfigDialog(integration, config)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    return dialog


def type_in(dialog: ConfigDialog, **values: object) -> None:
    for name, value in values.items():
        widget = dialog.field_widget(name)
        widget.set_value(value)
        widget.changed.emit()  # as typing would


def shown(dialog: ConfigDialog, name: str) -> bool:
    row = dialog._rows[name]
    label = row.group.form.labelForField(row.cell)
    return not row.cell.isHidden() and (label is None or not label.isHidden())


@pytest.fixture
def email(manager: IntegrationManager) -> Integration:
    return manager.register_integration_class(EmailIntegration)


MAIL = {
    "name": "Team mail",
    "smtp_host": "smtp.example.com",
    "from_address": "ci@example.com",
    "to_addresses": ["dev@example.com"],
}


def test_email_shows_the_login_only_when_authentication_is_on(
    qtbot: QtBot, email: Integration
) -> None:
    dialog = make_dialog(qtbot, email)
    assert not shown(dialog, "username") and not shown(dialog, "password")
    assert shown(dialog, "authenticate")

    type_in(dialog, authenticate=True)
    assert shown(dialog, "username") and shown(dialog, "password")

    type_in(dialog, authenticate=False)
    assert not shown(dialog, "username")


def test_a_hidden_login_is_not_validated_and_a_shown_one_is(
    qtbot: QtBot, email: Integration
) -> None:
    dialog = make_dialog(qtbot, email)
    type_in(dialog, **MAIL)
    assert dialog.validate() is not None

    type_in(dialog, authenticate=True)
    assert dialog.validate() is None
    assert dialog._rows["username"].error_label.text() == "This field is required."

    type_in(dialog, username="ci", password="pa55")
    assert dialog.apply()
    assert dialog.config is not None
    assert dialog.config.settings["authenticate"] is True
    assert dialog.config.get("username") == "ci"


def test_a_stored_configuration_opens_with_its_rules_applied(
    qtbot: QtBot, email: Integration
) -> None:
    config = email.build_config_form(
        data={**MAIL, "authenticate": True, "username": "ci", "password": "pw"}
    ).save()

    dialog = make_dialog(qtbot, email, config)

    assert shown(dialog, "username")
    assert dialog.field_widget("username").value() == "ci"


def test_older_email_settings_log_in_when_they_have_a_user_name(
    email: Integration, manager: IntegrationManager
) -> None:
    with manager.store.transaction("add configurations saved before 'authenticate'") as conn:
        for name, username in (("With login", "ci"), ("Without", "")):
            conn.execute(
                "INSERT INTO configs (integration_id, name, enabled, settings, extra_data,"
                " revision, time_added, last_updated, settings_version) VALUES"
                " ('builtin.email', ?, 0, ?, '{}', 1, '2024-01-01T00:00:00+00:00',"
                " '2024-01-01T00:00:00+00:00', 1)",
                (name, f'{{"smtp_host": "h", "username": "{username}"}}'),
            )
    manager.clear_all_configs_cache()

    configs = {c.name: c for c in manager.get_integration_configs(email)}

    assert configs["With login"].get("authenticate") is True
    assert configs["Without"].get("authenticate") is False


class Ruled(IntegrationConfigForm):
    signed: bool = Field(default=False, title="Sign requests")
    key: RequiredText = Field(default="", title="Key", json_schema_extra=enabled_when("signed"))
    extra: str = Field(default="", title="Extra", json_schema_extra=visible_when("signed"))

    class Meta:
        fieldsets = (
            ("Signing", {"fields": ("signed", "key")}),
            ("Advanced", {"fields": ("extra",), "classes": ("collapse",)}),
        )


class RuledIntegration(Integration):
    name = "Ruled"
    config_form_cls = Ruled


def test_enabled_when_greys_out_and_collapsed_groups_keep_hidden_rows_hidden(
    qtbot: QtBot, manager: IntegrationManager
) -> None:
    dialog = make_dialog(qtbot, manager.register_integration_class(RuledIntegration))
    key = dialog.field_widget("key")
    advanced = dialog._rows["extra"].group
    assert shown(dialog, "key") and not key.isEnabled()

    advanced.set_expanded(True)
    assert not shown(dialog, "extra")  # opening the group does not show a hidden field

    type_in(dialog, signed=True)
    assert key.isEnabled() and shown(dialog, "extra")
    advanced.set_expanded(False)
    assert not shown(dialog, "extra")
    advanced.set_expanded(True)
    assert shown(dialog, "extra")


def test_ticking_the_box_again_brings_the_stored_login_back(
    qtbot: QtBot, email: Integration
) -> None:
    config = email.build_config_form(
        data={**MAIL, "authenticate": True, "username": "ci", "password": "pw"}
    ).save()
    email.build_config_form(config, data={"authenticate": False}).save()

    dialog = make_dialog(qtbot, email, config)
    assert not shown(dialog, "username")
    type_in(dialog, authenticate=True)

    assert shown(dialog, "username")
    assert dialog.field_widget("username").value() == "ci"
    assert dialog.field_widget("password").value() == "pw"
