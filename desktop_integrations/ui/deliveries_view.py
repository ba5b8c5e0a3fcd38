"""DeliveriesView: a configuration's recent deliveries; and the "Send Test Event" button.

:func:`install_delivery_ui` adds both to every configuration dialog of an
integration that sends events (a
:class:`~desktop_integrations.delivery.ServiceIntegration`).
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_integrations.delivery import Delivery, ServiceIntegration, recent_deliveries
from desktop_integrations.errors import StoreError
from desktop_integrations.forms import BoundConfigForm
from desktop_integrations.integration import Integration
from desktop_integrations.storage import Store
from desktop_integrations.ui.dialog_actions import (
    DialogAction,
    register_dialog_action,
    register_dialog_section,
    unregister_dialog_action,
    unregister_dialog_section,
)

if TYPE_CHECKING:
    from desktop_integrations.ui.config_dialog import ConfigDialog

logger = logging.getLogger(__name__)

COLUMNS = ("Time", "Event", "Status", "Answer", "Attempts", "Duration", "Error")
_FAILED = QColor("#b3261e")


class DeliveriesView(QGroupBox):
    """The newest deliveries of one configuration, newest first, with Refresh.

    Args:
        store: The database holding the delivery log.
        config_id: The configuration's ID.
        limit: How many deliveries to show.
    """

    def __init__(
        self,
        store: Store,
        config_id: int,
        parent: QWidget | None = None,
        *,
        limit: int = 50,
    ) -> None:
        super().__init__("Recent Deliveries", parent)
        self.store = store
        self.config_id = config_id
        self.limit = limit
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName("Recent deliveries")
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setMinimumHeight(120)
        self.empty_label = QLabel("No deliveries yet.", self)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setAutoDefault(False)
        self.refresh_button.clicked.connect(self.refresh)
        bottom = QHBoxLayout()
        bottom.addWidget(self.empty_label, 1)
        bottom.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addLayout(bottom)
        self.refresh()

    def refresh(self) -> None:
        """Reload the deliveries from the log."""
        self.tree.clear()
        try:
            deliveries = recent_deliveries(self.store, self.config_id, self.limit)
        except StoreError as e:
            self.empty_label.setText(f"The delivery log cannot be read: {e}")
            self.empty_label.show()
            return
        for delivery in deliveries:
            self.tree.addTopLevelItem(_item(delivery))
        for column in range(len(COLUMNS) - 1):
            self.tree.resizeColumnToContents(column)
        self.empty_label.setText("No deliveries yet.")
        self.empty_label.setVisible(not deliveries)


def _item(delivery: Delivery) -> QTreeWidgetItem:
    when = delivery.time.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    item = QTreeWidgetItem(
        [
            when,
            delivery.event_kind,
            delivery.status,
            delivery.response,
            str(delivery.attempts),
            f"{delivery.duration_ms:.0f} ms",
            delivery.error,
        ]
    )
    item.setTextAlignment(4, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    item.setTextAlignment(5, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if not delivery.ok:
        item.setForeground(2, QBrush(_FAILED))
        for column in range(len(COLUMNS)):
            item.setToolTip(column, delivery.error)
    return item


def _sends_events(integration: Integration) -> bool:
    return isinstance(integration, ServiceIntegration)


def deliveries_section(dialog: ConfigDialog) -> QWidget | None:
    """Return the Recent Deliveries view for a saved configuration of a service."""
    config = dialog.config
    if not _sends_events(dialog.integration) or config is None or config.id is None:
        return None
    return DeliveriesView(dialog.integration.integration_mgr.store, config.id, dialog)


class _Relay(QObject):
    """Carries a finished delivery from the pool's thread to the dialog's."""

    finished = Signal(object)


def send_test_event(dialog: ConfigDialog, form: BoundConfigForm) -> None:
    """Send the test event with the settings shown, and show the result in the banner."""
    integration = dialog.integration
    config = dialog.current_config()
    if not isinstance(integration, ServiceIntegration) or config is None:
        return
    if dialog.config is not None:
        # The values shown are an unsaved copy; log the test under the
        # configuration being edited, so Recent Deliveries shows it.
        config.id = dialog.config.id
    dialog.banner.show_message(f"Sending a test event through {config.name!r}…", "info")
    relay = _Relay(dialog)
    relay.finished.connect(lambda delivery: _show_result(dialog, relay, delivery))
    future = integration.send_test_event(config)

    def done(finished: Future[Delivery]) -> None:
        try:
            relay.finished.emit(finished.result())
        except RuntimeError:
            logger.debug("The dialog was closed before the test event was delivered")

    future.add_done_callback(done)


def _show_result(dialog: ConfigDialog, relay: _Relay, delivery: Delivery) -> None:
    relay.deleteLater()
    if delivery.ok:
        dialog.banner.show_message(f"Test event delivered: {delivery.response}.", "info")
    else:
        answer = f" ({delivery.response})" if delivery.response else ""
        dialog.banner.show_message(f"Test event failed: {delivery.error}{answer}", "error")
    view = dialog.findChild(DeliveriesView)
    if view is not None:
        view.refresh()


SEND_TEST_EVENT = DialogAction(
    "Send &Test Event",
    send_test_event,
    tooltip="Send a test event with the settings shown, and show what the service answered.",
    icon="action-send",
    applies_to=_sends_events,
)


def install_delivery_ui() -> None:
    """Add Send Test Event and Recent Deliveries to configuration dialogs (once)."""
    unregister_dialog_action(SEND_TEST_EVENT)
    unregister_dialog_section(deliveries_section)
    register_dialog_action(SEND_TEST_EVENT)
    register_dialog_section(deliveries_section)
