"""Webhook URLs and headers in the dialog: masked, revealed on demand, encrypted when saved."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from desktop_integrations import Integration, IntegrationManager
from desktop_integrations.plugins.slack import SlackIntegration
from desktop_integrations.plugins.webhook import WebhookIntegration
from desktop_integrations.ui import ConfigDialog
from desktop_integrations.ui.widgets.secret_field import SecretField
from desktop_integrations.ui.widgets.secret_list_field import SecretListField

URL = "https://hooks.example.com/services/T0/B0/xq-hook-token"
HEADER = "Authorization: Bearer xq-header-token"


@pytest.fixture
def webhook(manager: IntegrationManager) -> Integration:
    return manager.register_integration_class(WebhookIntegration)


def make_dialog(qtbot: QtBot, integration: Integration, config: object = None) -> ConfigDialog:
    dialog = ConfigDialog(integration, config)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    return dialog


def test_a_webhook_url_is_masked_until_shown(qtbot: QtBot, manager: IntegrationManager) -> None:
    slack = manager.register_integration_class(SlackIntegration)
    dialog = make_dialog(qtbot, slack)
    field = dialog.field_widget("webhook_url")
    assert isinstance(field, SecretField)
    field.set_value(URL)
    assert field.line_edit.echoMode() == QLineEdit.EchoMode.Password
    field.toggle.click()
    assert field.line_edit.echoMode() == QLineEdit.EchoMode.Normal
    assert field.line_edit.text() == URL


def test_headers_are_masked_until_shown_and_edited_per_entry(
    qtbot: QtBot, webhook: Integration
) -> None:
    dialog = make_dialog(qtbot, webhook)
    headers = dialog.field_widget("headers")
    assert isinstance(headers, SecretListField)
    headers.set_value([HEADER, "X-Team: ops"])
    assert [edit.echoMode() for edit in headers.line_edits] == [QLineEdit.EchoMode.Password] * 2
    headers.toggle.click()
    assert headers.toggle.text() == "Hide"
    assert [edit.echoMode() for edit in headers.line_edits] == [QLineEdit.EchoMode.Normal] * 2
    with qtbot.waitSignal(headers.changed):
        headers.add_entry(focus=True).setText("X-Third: 3")
    assert headers.value() == [HEADER, "X-Team: ops", "X-Third: 3"]
    with qtbot.waitSignal(headers.changed):
        headers.remove_buttons[0].click()
    assert headers.value() == ["X-Team: ops", "X-Third: 3"]


def test_a_saved_url_and_headers_are_in_no_file_of_the_data_folder(
    qtbot: QtBot, webhook: Integration, manager: IntegrationManager
) -> None:
    dialog = make_dialog(qtbot, webhook)
    dialog.field_widget("name").set_value("Signed")
    dialog.field_widget("url").set_value(URL)
    dialog.field_widget("headers").set_value([HEADER])
    dialog.field_widget("url").changed.emit()
    dialog.button_box.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.config is not None
    assert dialog.config.get("url") == URL and dialog.config.get("headers") == [HEADER]
    files = [p for p in manager.store.path.parent.rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        assert b"xq-hook-token" not in data and b"xq-header-token" not in data, path
    reopened = make_dialog(qtbot, webhook, dialog.config)
    assert reopened.field_widget("headers").value() == [HEADER]
