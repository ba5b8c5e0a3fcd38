from __future__ import annotations

from desktop_integrations import ui


def test_ui_contract_names() -> None:
    for name in ("MainWindow", "ConfigDialog", "integration_icon"):
        assert hasattr(ui, name), name
