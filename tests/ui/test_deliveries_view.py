"""Recent Deliveries and Send Test Event in a service's configuration dialog."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop_integrations import Integration, IntegrationManager
from desktop_integrations.delivery import Delivery, record_delivery, set_delivery_pool
from desktop_integrations.plugins.slack import SlackIntegration
from desktop_integrations.ui.config_dialog import ConfigDialog
from desktop_integrations.ui.deliveries_view import DeliveriesView
from tests.servers import RecordingServer, closed_port_url, fast_pool


@pytest.fixture
def slack(manager: IntegrationManager) -> Iterator[Integration]:
    pool = fast_pool()
    set_delivery_pool(pool)
    yield manager.register_integration_class(SlackIntegration)
    set_delivery_pool(None)
    pool.shutdown()


def send_button(dialog: ConfigDialog) -> QPushButton:
    [button] = [
        b
        for b in dialog.findChildren(QPushButton)
        if b.text().replace("&", "") == "Send Test Event"
    ]
    return button


def open_dialog(qtbot: QtBot, integration: Integration, **kwargs: object) -> ConfigDialog:
    dialog = ConfigDialog(integration, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    return dialog


def test_the_log_of_a_configuration_is_listed_newest_first(
    qtbot: QtBot, slack: Integration
) -> None:
    config = slack.create_config(
        name="Builds", settings={"webhook_url": "https://hooks.example.com/a"}, save=True
    )
    other = slack.create_config(
        name="Other", settings={"webhook_url": "https://hooks.example.com/b"}, save=True
    )
    store = slack.integration_mgr.store
    for config_id, status, error in [
        (config.id, "delivered", ""),
        (other.id, "delivered", ""),
        (config.id, "failed", "Could not connect to https://hooks.example.com"),
    ]:
        record_delivery(
            store,
            Delivery(
                config_id,
                "x",
                "builtin.slack",
                "build.failed",
                datetime.now(UTC),
                status,
                "HTTP 200 OK" if not error else "",
                12.0,
                error,
                3,
            ),  # type: ignore[arg-type]
        )
    dialog = open_dialog(qtbot, slack, config=config)
    view = dialog.findChild(DeliveriesView)
    assert view is not None and view.title() == "Recent Deliveries"
    tree = view.tree
    assert tree.topLevelItemCount() == 2
    newest, oldest = tree.topLevelItem(0), tree.topLevelItem(1)
    assert [newest.text(c) for c in range(2, 7)] == [
        "failed",
        "",
        "3",
        "12 ms",
        "Could not connect to https://hooks.example.com",
    ]
    assert newest.toolTip(0) == "Could not connect to https://hooks.example.com"
    assert (oldest.text(2), oldest.text(3)) == ("delivered", "HTTP 200 OK")
    assert view.empty_label.isHidden()


def test_a_new_configuration_has_no_log_but_can_send_a_test(
    qtbot: QtBot, slack: Integration
) -> None:
    dialog = open_dialog(qtbot, slack)
    assert dialog.findChild(DeliveriesView) is None
    assert send_button(dialog).isEnabled()


def test_send_test_event_posts_with_the_values_shown_and_reports_success(
    qtbot: QtBot, slack: Integration, server: RecordingServer
) -> None:
    config = slack.create_config(
        name="Builds", settings={"webhook_url": server.url + "/saved"}, save=True
    )
    dialog = open_dialog(qtbot, slack, config=config)
    dialog.field_widget("webhook_url").set_value(server.url + "/unsaved")
    send_button(dialog).click()
    qtbot.waitUntil(lambda: "delivered" in dialog.banner.text(), timeout=10_000)
    assert dialog.banner.text() == "Test event delivered: HTTP 200 OK."
    [request] = server.requests
    assert request.path == "/unsaved"
    assert request.json()["attachments"][0]["title"] == "Test event from desktop-integrations"
    view = dialog.findChild(DeliveriesView)
    assert view is not None and view.tree.topLevelItemCount() == 1
    assert view.tree.topLevelItem(0).text(1) == "desktop_integrations.test"
    assert config.settings["webhook_url"] == server.url + "/saved"  # nothing was saved


def test_a_failing_test_event_shows_why_in_the_banner(qtbot: QtBot, slack: Integration) -> None:
    dialog = open_dialog(qtbot, slack)
    dialog.field_widget("name").set_value("Broken")
    dialog.field_widget("webhook_url").set_value(closed_port_url())
    send_button(dialog).click()
    qtbot.waitUntil(lambda: "failed" in dialog.banner.text(), timeout=10_000)
    assert dialog.banner.text().startswith(
        "Test event failed: Could not connect to http://127.0.0.1"
    )
    assert dialog.banner.level == "error"


def test_invalid_values_are_shown_instead_of_sending(qtbot: QtBot, slack: Integration) -> None:
    dialog = open_dialog(qtbot, slack)
    dialog.field_widget("name").set_value("Broken")
    dialog.field_widget("webhook_url").set_value("not a url")
    send_button(dialog).click()
    assert "URL" in dialog._rows["webhook_url"].error_label.text()
    assert "Sending" not in dialog.banner.text()


def test_a_slow_service_does_not_block_the_dialog(
    qtbot: QtBot, slack: Integration, server: RecordingServer
) -> None:
    server.reply(200, delay=60)  # held until the server stops, after the test
    dialog = open_dialog(qtbot, slack)
    dialog.field_widget("name").set_value("Slow")
    dialog.field_widget("webhook_url").set_value(server.url)
    send_button(dialog).click()
    qtbot.waitUntil(lambda: len(server.requests) == 1, timeout=10_000)
    # The click returned and the dialog still works while the service holds the request.
    assert dialog.banner.text() == "Sending a test event through 'Slow'…"
    dialog.field_widget("name").set_value("Still editable")
    assert dialog.data()["name"] == "Still editable"
