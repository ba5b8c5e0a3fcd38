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
