"""Render the main window, the integration picker and a dialog with errors to PNG files.

Usage: python scripts/screenshots.py [OUTPUT_DIR]   (default: docs/screenshots)

Runs offscreen, once per scale (1 and 2, through ``QT_SCALE_FACTOR`` in a child
process), on a temporary data folder holding sample configurations, so the
user's own data and settings are never read. Writes ``<name>.png`` at scale 1
and ``<name>@2x.png`` at scale 2.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCALES = {"1": "", "2": "@2x"}


def sample_data(manager: object) -> None:
    """Store a few realistic configurations, one unavailable and one with stale settings."""
    from desktop_integrations import IntegrationManager

    assert isinstance(manager, IntegrationManager)
    get = manager.get_integration
    get("builtin.slack").create_config(
        enabled=True,
        name="Release announcements",
        settings={
            "webhook_url": "https://hooks.slack.com/services/T000/B000/XXXX",
            "channel": "#releases",
        },
        save=True,
    )
    get("builtin.slack").create_config(
        enabled=True,
        name="Build failures",
        settings={
            "webhook_url": "https://hooks.slack.com/services/T000/B000/YYYY",
            "channel": "#ci",
        },
        save=True,
    )
    get("builtin.discord").create_config(
        enabled=True,
        name="Community server",
        settings={"webhook_url": "https://discord.com/api/webhooks/1/abc"},
        save=True,
    )
    get("builtin.webhook").create_config(
        name="Status page",
        enabled=False,
        settings={"url": "https://status.example.com/hook", "secret": "s3cr3t"},
        save=True,
    )
    get("builtin.email").create_config(
        enabled=True,
        name="On-call mail",
        settings={
            "smtp_host": "smtp.example.com",
            "smtp_port": "not a port",
            "from_address": "alerts@example.com",
            "to_addresses": ["oncall@example.com"],
        },
        save=True,
    )
    get("builtin.logfile").create_config(
        enabled=True, name="Audit log", settings={"path": "/var/log/integrations.jsonl"}, save=True
    )
    with manager.store.transaction("add an unavailable configuration") as conn:
        conn.execute(
            "INSERT INTO configs (integration_id, name, enabled, settings, extra_data, revision,"
            " time_added, last_updated) VALUES ('acme.jira.JiraIntegration', 'Issue tracker',"
            " 1, '{}', '{}', 1, '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')"
        )
    manager.clear_all_configs_cache()


def render(output: Path, suffix: str) -> None:
    """Build the windows on sample data and grab them (runs in the child process)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from desktop_integrations import ConfigStore, IntegrationManager
    from desktop_integrations.extensions.manager import ExtensionManager
    from desktop_integrations.ui.config_dialog import ConfigDialog
    from desktop_integrations.ui.main_window import MainWindow

    store = ConfigStore()
    manager = IntegrationManager(store)
    extensions = ExtensionManager(manager, safe_mode=True)
    extensions.load()
    sample_data(manager)
    window = MainWindow(manager, extensions)
    window.resize(980, 560)
    window.show()
    window.configs_view.setCurrentIndex(window.configs_view.model().index(1, 0))
    app.processEvents()
    window.grab().save(str(output / f"main-window{suffix}.png"))

    window.picker.filter_edit.setText("")
    window.picker.view.setCurrentIndex(window.picker.view.model().index(0, 0))
    window.picker.resize(320, 520)
    app.processEvents()
    window.picker.grab().save(str(output / f"integration-picker{suffix}.png"))

    dialog = ConfigDialog(manager.get_integration("builtin.webhook"), None, window)
    for name, value in (("name", "Deploy hook"), ("url", "htp:/deploy"), ("secret", "hidden")):
        dialog.field_widget(name).set_value(value)
        dialog.field_widget(name).changed.emit()  # as typing would
    dialog.show()
    dialog.resize(600, 640)
    dialog.apply()
    app.processEvents()
    dialog.grab().save(str(output / f"config-dialog-errors{suffix}.png"))
    dialog.done(0)
    window.close()
    extensions.shutdown()
    manager.shutdown()
    store.close()


def main() -> int:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    output.mkdir(parents=True, exist_ok=True)
    if os.environ.get("SCREENSHOT_SCALE"):
        render(output, SCALES[os.environ["SCREENSHOT_SCALE"]])
        return 0
    for scale in SCALES:
        with tempfile.TemporaryDirectory() as folder:
            env = {
                **os.environ,
                "QT_QPA_PLATFORM": "offscreen",
                "QT_SCALE_FACTOR": scale,
                "SCREENSHOT_SCALE": scale,
                "DESKTOP_INTEGRATIONS_DATA_DIR": str(Path(folder) / "data"),
                "DESKTOP_INTEGRATIONS_CONFIG_DIR": str(Path(folder) / "config"),
                "DESKTOP_INTEGRATIONS_PLUGINS_DIR": str(Path(folder) / "plugins"),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            }
            subprocess.run([sys.executable, __file__, str(output)], env=env, check=True)
    print(f"Screenshots written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
