"""``migrate``: copy every configuration, secret and extension state to another database.

From SQLite to PostgreSQL or back (or between two of either), in one
transaction on the target: all or nothing. Secrets are decrypted with the
source's key and encrypted with the target's, so moving to a team database
puts them under the team key.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.errors import StoreError
from desktop_integrations.manager import IntegrationManager
from desktop_integrations.storage import Store


@dataclass(frozen=True)
class Copied:
    """What :func:`copy_store` copied.

    Attributes:
        configs: Configurations.
        secrets: Secret values, re-encrypted with the target's key.
        extensions: Remembered extension (plugin) states.
    """

    configs: int
    secrets: int
    extensions: int


def copy_store(source: Store, target: Store) -> Copied:
    """Copy every configuration and extension state from ``source`` to an empty ``target``.

    IDs, UIDs, names, settings, creation times and settings versions are kept;
    plugins need not be installed (their configurations are copied as stored).

    Raises:
        StoreError: The target holds configurations already, a secret of the
            source cannot be decrypted, or writing failed; the target is then
            unchanged.
    """
    if source.location == target.location:
        raise StoreError(f"{target.location} is the database being copied.")
    existing = len(target.config_summaries())
    if existing:
        raise StoreError(
            f"{target.location} already holds {existing} configurations; "
            f"migrate copies into an empty database."
        )
    reader = IntegrationManager(source)
    writer = IntegrationManager(target)
    try:
        configs = source.load_configs(reader)
        unreadable = [c.name for c in configs if c.sealed]
        if unreadable:
            raise StoreError(
                f"The secrets of {', '.join(map(repr, unreadable))} cannot be decrypted "
                f"with this desktop's key, so they cannot be copied; nothing was copied."
            )
        states = source.extension_states()
        secrets = 0
        with target.transaction(f"copy {len(configs)} configurations"):
            for config in configs:
                copy = IntegrationConfig(
                    writer,
                    config.integration_id,
                    config.name,
                    config.enabled,
                    config.settings,
                    config.extra_data,
                )
                copy.id, copy.uid = config.id, config.uid
                copy.settings_version = config.settings_version
                copy.time_added = config.time_added
                # No row has this ID yet: a forced save inserts it as it is.
                target.save_config(copy, config.secret_keys, force=True)
                secrets += sum(1 for key in config.secret_keys if config.settings.get(key))
            for extension_id, enabled in states.items():
                target.set_extension_enabled(extension_id, enabled)
    finally:
        reader.shutdown()
        writer.shutdown()
    return Copied(configs=len(configs), secrets=secrets, extensions=len(states))
