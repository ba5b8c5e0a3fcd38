"""Each delivery's stable ID reaches the service: HTTP header, Message-ID, Matrix txn ID."""

from __future__ import annotations

from urllib.parse import unquote

from desktop_integrations import IntegrationManager
from desktop_integrations.delivery import recent_deliveries
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.email import EmailExtension
from desktop_integrations.plugins.matrix import MatrixExtension
from tests.servers import installed, recording_server, smtp_server


def test_the_mail_message_id_is_the_delivery_id(manager: IntegrationManager) -> None:
    with installed(manager, EmailExtension), smtp_server() as (port, recorder):
        integration = manager.get_integration("builtin.email")
        form = integration.build_config_form(
            data={
                "name": "Team mail",
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
                "security": "none",
                "from_address": "CI <ci@example.com>",
                "to_addresses": ["dev@example.com"],
            }
        )
        assert form.is_valid(), form.errors
        form.save()
        first = emit(Event(title="One")).wait(30)
        second = emit(Event(title="Two")).wait(30)
    assert [d.ok for d in first + second] == [True, True]
    ids = [message["Message-ID"] for _, _, message in recorder.messages]
    assert ids == [f"<{d.delivery_id}@example.com>" for d in first + second]
    assert len(set(ids)) == 2


def test_the_matrix_transaction_id_is_the_delivery_id(manager: IntegrationManager) -> None:
    with installed(manager, MatrixExtension), recording_server() as server:
        server.reply(502)
        integration = manager.get_integration("builtin.matrix")
        integration.create_config(
            enabled=True,
            name="Ops room",
            settings={"server": server.url, "room_id": "!abc:example.org", "access_token": "t"},
            save=True,
        )
        [delivery] = emit(Event(title="Deployed")).wait(30)
    assert delivery.ok and delivery.attempts == 2
    txn_ids = [unquote(request.path.rsplit("/", 1)[1]) for request in server.requests]
    assert txn_ids == [delivery.delivery_id] * 2
    [logged] = recent_deliveries(manager.store)
    assert logged.delivery_id == delivery.delivery_id
