"""emit() on the GUI thread queues the delivery and returns while the service is silent."""

from __future__ import annotations

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from desktop_integrations import IntegrationManager
from desktop_integrations.delivery import recent_deliveries
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.webhook import WebhookExtension
from tests.servers import installed, recording_server


def test_emit_on_the_gui_thread_returns_while_the_server_holds_the_request(
    qapp: QApplication, manager: IntegrationManager
) -> None:
    assert QThread.currentThread() is qapp.thread()
    with installed(manager, WebhookExtension), recording_server() as server:
        integration = manager.get_integration("builtin.webhook")
        form = integration.build_config_form(data={"name": "Slow", "url": server.url + "/slow"})
        assert form.is_valid(), form.errors
        form.save()
        server.gate.clear()
        emissions = [emit(Event(title=f"Event {n}")) for n in range(3)]
        # Every emit() returned with nothing answered: the deliveries wait in the outbox.
        assert manager.store.count_pending_deliveries() == 3
        assert recent_deliveries(manager.store) == []
        with server.arrived:
            assert server.arrived.wait_for(lambda: server.requests, 30)
        assert all(emission.unfinished() == 1 for emission in emissions)
        server.gate.set()
        results = [emission.wait(30) for emission in emissions]
    assert [[d.ok for d in deliveries] for deliveries in results] == [[True]] * 3
