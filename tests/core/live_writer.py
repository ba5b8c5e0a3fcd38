"""A second process on a shared database: runs one command, prints ``done``.

``python live_writer.py URL save NAME`` saves a new configuration (with a
secret); ``... delete NAME`` deletes it; ``... disable NAME`` disables it.
Tests call :func:`run_writer`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pydantic import SecretStr

from desktop_integrations import Integration, IntegrationConfigForm, IntegrationManager, open_store


class TokenForm(IntegrationConfigForm):
    token: SecretStr = SecretStr("")


class Live(Integration):
    integration_id = "test.live"
    name = "Live"
    config_form_cls = TokenForm


def run_writer(url: str, command: str, name: str) -> None:
    """Run ``command`` on configuration ``name`` in a separate process, and wait for it."""
    result = subprocess.run(
        [sys.executable, __file__, url, command, name],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[2],
    )
    assert result.stdout.strip() == "done", result.stderr


def main(url: str, command: str, name: str) -> None:
    manager = IntegrationManager(open_store(url))
    integration = manager.register_integration_class(Live)
    if command == "save":
        integration.build_config_form(data={"name": name, "token": f"{name}-token"}).save()
    else:
        (config,) = manager.get_integration_configs(Live, name=name)
        if command == "delete":
            config.delete()
        else:
            config.enabled = False
            config.save()
    manager.shutdown()
    manager.store.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
