"""The Apprise services in the desktop UI: dialogs, icons and the picker's search."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize
from pytestqt.qtbot import QtBot

from desktop_integrations import IntegrationManager
from desktop_integrations.plugins.apprise import AppriseExtension
from desktop_integrations.plugins.slack import SlackExtension
from desktop_integrations.plugins.webhook import WebhookExtension
from desktop_integrations.ui import ConfigDialog, integration_icon
from desktop_integrations.ui.fieldset_group import FieldsetGroup
from desktop_integrations.ui.integration_picker import IntegrationPicker
from tests.servers import installed

pytest.importorskip("apprise")


@pytest.fixture
def apprise_manager(manager: IntegrationManager) -> Iterator[IntegrationManager]:
    with (
        installed(manager, AppriseExtension),
        installed(manager, WebhookExtension),
        installed(manager, SlackExtension),
    ):
        yield manager


def test_every_generated_dialog_opens(qtbot: QtBot, apprise_manager: IntegrationManager) -> None:
    integrations = [i for i in apprise_manager.get_integrations() if i.id.startswith("apprise.")]
    assert len(integrations) > 150
    for integration in integrations:
        dialog = ConfigDialog(integration)
        qtbot.addWidget(dialog)
        titles = {g.fieldset.title for g in dialog.findChildren(FieldsetGroup)}
        assert "Where To Post" in titles, integration
        for name in integration.config_form_cls.model_fields:
            assert dialog.field_widget(name) is not None
        dialog.close()
        dialog.deleteLater()


def test_the_dialog_has_use_tls_secrets_masked_and_options_collapsed(
    qtbot: QtBot, apprise_manager: IntegrationManager
) -> None:
    dialog = ConfigDialog(apprise_manager.get_integration("apprise.mmost"))
    qtbot.addWidget(dialog)
    assert dialog.field_widget("use_tls").value() is True
    assert dialog.field_widget("token").field.secret
    groups = {g.fieldset.title: g for g in dialog.findChildren(FieldsetGroup)}
    assert not groups["Options"].is_expanded()
    assert groups["Where To Post"].is_expanded()


def test_each_service_has_a_letter_tile_icon_without_warnings(
    qtbot: QtBot, apprise_manager: IntegrationManager, caplog: pytest.LogCaptureFixture
) -> None:
    ntfy = apprise_manager.get_integration("apprise.ntfy")
    with caplog.at_level(logging.WARNING):
        icon = integration_icon(ntfy)
    assert caplog.records == []
    assert icon is integration_icon(ntfy)  # drawn once
    sizes = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert {(48, 48), (96, 96)} <= sizes
    json_icon = integration_icon(apprise_manager.get_integration("apprise.json"))
    corner = QSize(48, 48)
    colour = icon.pixmap(corner).toImage().pixelColor(24, 4)
    assert colour != json_icon.pixmap(corner).toImage().pixelColor(24, 4)


def _listed(picker: IntegrationPicker) -> list[str]:
    return [picker.proxy.index(row, 0).data() for row in range(picker.proxy.rowCount())]


def test_the_picker_lists_native_integrations_first_and_searches_schemes(
    qtbot: QtBot, apprise_manager: IntegrationManager
) -> None:
    picker = IntegrationPicker(apprise_manager)
    qtbot.addWidget(picker)
    names = _listed(picker)
    assert names[:2] == ["Slack", "Webhook"]
    assert len(names) > 150
    picker.filter_edit.setText("mmosts")
    assert _listed(picker) == ["Mattermost"]
    picker.filter_edit.setText("apprise")
    assert "Webhook" not in _listed(picker) and "ntfy" in _listed(picker)


def test_add_from_apprise_url_opens_the_dialog_filled_in(
    qtbot: QtBot, apprise_manager: IntegrationManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QPushButton

    from desktop_integrations.ui import MainWindow, url_import_button

    window = MainWindow(apprise_manager)
    qtbot.addWidget(window)
    window.picker.reload()
    window.picker.reload()  # a reload keeps one button per format
    [button] = window.picker.url_import.buttons
    assert [
        b for b in window.picker.url_import.findChildren(QPushButton) if b.isVisibleTo(window)
    ] == [button]
    assert button.text() == "Add from Apprise URL…"
    monkeypatch.setattr(
        url_import_button, "ask_url", lambda parent, fmt: "ntfys://user:pw@ntfy.example/alerts"
    )
    button.click()
    [dialog] = window.findChildren(ConfigDialog)
    assert dialog.integration.id == "apprise.ntfy"
    assert dialog.field_widget("host").value() == "ntfy.example"
    assert dialog.field_widget("targets").value() == ["alerts"]
    assert dialog.field_widget("password").value() == "pw"
    assert dialog.field_widget("use_tls").value() is True
    dialog.field_widget("name").set_value("Alerts")
    dialog.accept()
    [config] = apprise_manager.get_integration_configs("apprise.ntfy")
    assert (config.name, config.get("user"), config.get("password")) == ("Alerts", "user", "pw")


def test_a_url_apprise_cannot_read_is_explained(
    qtbot: QtBot,
    apprise_manager: IntegrationManager,
    monkeypatch: pytest.MonkeyPatch,
    no_blocking_message_boxes: list[tuple[str, str]],
) -> None:
    from desktop_integrations.ui import url_import_button

    picker = IntegrationPicker(apprise_manager)
    qtbot.addWidget(picker)
    monkeypatch.setattr(url_import_button, "ask_url", lambda parent, fmt: "nosuch://x")
    with qtbot.assertNotEmitted(picker.urlParsed):
        picker.url_import.buttons[0].click()
    assert no_blocking_message_boxes == [("warning", "Add from Apprise URL")]


def test_copy_as_apprise_url_warns_then_copies(
    qtbot: QtBot, apprise_manager: IntegrationManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QMessageBox, QPushButton

    dialog = ConfigDialog(apprise_manager.get_integration("apprise.mmost"))
    qtbot.addWidget(dialog)
    for name, value in {"name": "Chat", "host": "chat.example", "token": "t0k3n"}.items():
        dialog.field_widget(name).set_value(value)
    [copy] = [b for b in dialog.findChildren(QPushButton) if b.text() == "Copy as Apprise URL"]
    QGuiApplication.clipboard().setText("before")
    copy.click()  # the warning is answered Cancel: nothing is copied
    assert QGuiApplication.clipboard().text() == "before"
    warnings: list[str] = []

    def answer_yes(parent: object, title: str, text: str, *args: object) -> object:
        warnings.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "warning", answer_yes)
    copy.click()
    assert QGuiApplication.clipboard().text() == "mmosts://chat.example/t0k3n"
    assert "passwords and tokens in plain text" in warnings[0]
    assert "secrets" in dialog.banner.text()


def test_native_dialogs_offer_no_apprise_copy(
    qtbot: QtBot, apprise_manager: IntegrationManager
) -> None:
    from PySide6.QtWidgets import QPushButton

    dialog = ConfigDialog(apprise_manager.get_integration("builtin.webhook"))
    qtbot.addWidget(dialog)
    assert not [b for b in dialog.findChildren(QPushButton) if "Apprise" in b.text()]
