"""The application's own signals.

Every signal is a blinker signal sent Django-style, ``send(sender, **kwargs)``:

``config_saved``
    Sent by the manager after a configuration is committed, with
    ``config`` and ``created`` (True for a new configuration).
``config_deleted``
    Sent after a configuration is deleted, with ``config``.
``integration_enabled`` / ``integration_disabled``
    Sent with the integration instance as sender when lazy enabling turns it
    on or off.
``event_occurred``
    Sent by :func:`desktop_integrations.events.emit` with ``event``.
``extension_enabled`` / ``extension_disabled``
    Sent by the extension manager with the :class:`Extension` instance as
    sender after it started or was shut down.
``extensions_changed``
    Sent with the :class:`ExtensionManager` as sender after a call changed the
    loaded extensions, their state or the load errors.
``configs_changed``
    Sent by the manager after it read again configurations that another
    process or machine changed (a live store pushed the change).
``store_connection_changed``
    Sent by a store on a server with the store as sender when its connection
    is lost or made again, with ``connected`` and a one-line ``message``.
"""

from __future__ import annotations

import logging
from typing import Any

from blinker import NamedSignal, Namespace

logger = logging.getLogger(__name__)

_signals = Namespace()

config_saved = _signals.signal("config-saved")
config_deleted = _signals.signal("config-deleted")
integration_enabled = _signals.signal("integration-enabled")
integration_disabled = _signals.signal("integration-disabled")
event_occurred = _signals.signal("event-occurred")
extension_enabled = _signals.signal("extension-enabled")
extension_disabled = _signals.signal("extension-disabled")
extensions_changed = _signals.signal("extensions-changed")
configs_changed = _signals.signal("configs-changed")
store_connection_changed = _signals.signal("store-connection-changed")


def send_safely(signal: NamedSignal, sender: Any, **kwargs: Any) -> None:
    """Send ``signal`` to every receiver, logging and containing their errors.

    blinker stops at the first receiver that raises and hands the exception to
    the sender; the framework's own notifications must reach every receiver and
    never undo the change they report.
    """
    for receiver in signal.receivers_for(sender):
        try:
            receiver(sender, **kwargs)
        except Exception:
            logger.exception("Receiver %r of signal %r failed", receiver, signal.name)
