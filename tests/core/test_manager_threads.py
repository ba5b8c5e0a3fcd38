"""Event handlers read configurations on their own threads while the app saves."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from desktop_integrations import Integration, IntegrationManager


class Busy(Integration):
    integration_id = "test.busy"
    name = "Busy"


def test_a_save_while_another_thread_loads_is_not_lost(
    manager: IntegrationManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    integration = manager.register_integration_class(Busy)
    first = integration.create_config(enabled=True, save=True, name="first")
    manager.clear_all_configs_cache()
    rows_read = threading.Event()
    saved = threading.Event()
    load_configs = manager.store.load_configs

    def slow_load(*args: Any) -> Any:
        configs = load_configs(*args)
        if threading.current_thread() is not threading.main_thread():
            rows_read.set()
            saved.wait(timeout=1.0)  # the main thread saves here, if it can
        return configs

    monkeypatch.setattr(manager.store, "load_configs", slow_load)
    reader = threading.Thread(target=integration.get_configs)
    reader.start()
    assert rows_read.wait(timeout=5)
    second = integration.create_config(enabled=True, save=True, name="second")
    saved.set()
    reader.join()
    assert integration.get_configs() == [first, second]
    assert manager.get_integration_configs(Busy) == [first, second]
