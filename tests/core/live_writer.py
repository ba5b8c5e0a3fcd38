"""A second process on a shared database: runs one command, prints ``done``.

``python live_writer.py URL save NAME`` saves a new configuration (with a
secret); ``... delete NAME`` deletes it; ``... disable NAME`` disables it.
"""

from __future__ import annotations

import sys

from pydantic import SecretStr

from desktop_integrations import Integration, IntegrationConfigForm, IntegrationManager, open_store


class TokenForm(IntegrationConfigForm):
    token: SecretStr = SecretStr("")


class Live(Integration):
    integration_id = "test.live"
    name = "Live"
    config_form_cls = TokenForm


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
