"""Data folders for the UI benchmarks: a database with N stored configurations."""

from __future__ import annotations

import json
from pathlib import Path

#: Built-in integration IDs the stored configurations belong to, with settings.
BUILTINS = {
    "builtin.webhook": lambda n: {"url": f"https://hooks.example.com/{n}", "headers": {}},
    "builtin.slack": lambda n: {
        "webhook_url": f"https://hooks.slack.example/{n}",
        "channel": f"#team-{n % 97}",
        "username": "bot",
    },
    "builtin.discord": lambda n: {"webhook_url": f"https://discord.example/{n}", "username": "b"},
    "builtin.logfile": lambda n: {"path": f"/var/log/events-{n}.jsonl"},
    "builtin.msteams": lambda n: {"webhook_url": f"https://teams.example/{n}"},
}
#: How many integrations the built-in plugins add (a ready window lists them all).
BUILTIN_INTEGRATIONS = 8
NAMES = ("Deploys", "Alerts", "Releases", "Nightly builds", "Reviews", "Support", "Billing")


def config_name(n: int) -> str:
    """The name of the n-th stored configuration (also the filter benchmark's strings)."""
    return f"{NAMES[n % len(NAMES)]} {n:06d}"


def make_data_dir(folder: Path, count: int) -> Path:
    """Create ``folder`` holding a database with ``count`` configurations; return it."""
    # Imported here, as in app_env(): the bare start-up child imports this module.
    from datetime import UTC, datetime

    from desktop_integrations.paths import database_path
    from desktop_integrations.storage import ConfigStore

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plugins").mkdir(exist_ok=True)
    store = ConfigStore(database_path(folder))
    ids = list(BUILTINS)
    stamp = datetime.now(UTC).isoformat()
    rows = []
    for n in range(count):
        integration_id = ids[n % len(ids)]
        settings = json.dumps(BUILTINS[integration_id](n))
        rows.append((integration_id, config_name(n), int(n % 10 != 0), settings, stamp, stamp))
    columns = {row[1] for row in store.query("PRAGMA table_info(configs)")}
    # Stored as the current version writes them: no settings migration on load.
    version = ", settings_version" if "settings_version" in columns else ""
    with store.transaction(f"store {count} benchmark configurations") as conn:
        conn.executemany(
            "INSERT INTO configs (integration_id, name, enabled, settings, extra_data,"
            f" revision, time_added, last_updated{version})"
            f" VALUES (?, ?, ?, ?, '{{}}', 1, ?, ?{', 1' if version else ''})",
            rows,
        )
    store.close()
    return folder


def app_env(folder: Path) -> dict[str, str]:
    """Environment for a child that opens the app on ``folder`` and nothing of the user's."""
    # Imported here: fixtures.py is also imported by the bare start-up child,
    # which must not pay for the parent's helpers.
    from timing import child_env

    return child_env(
        {
            "DESKTOP_INTEGRATIONS_DATA_DIR": str(folder),
            "DESKTOP_INTEGRATIONS_CONFIG_DIR": str(folder / "config"),
            "DESKTOP_INTEGRATIONS_PLUGINS_DIR": str(folder / "plugins"),
            "DESKTOP_INTEGRATIONS_CACHE_DIR": str(folder / "cache"),
            # Qt's user settings (the window's geometry): none, as on a first
            # start, so the window has its default size and not the user's.
            "XDG_CONFIG_HOME": str(folder / "xdg-config"),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
    )
