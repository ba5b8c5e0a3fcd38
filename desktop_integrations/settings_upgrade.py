"""Bringing a loaded configuration's settings up to its integration's version."""

from __future__ import annotations

import copy
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_integrations.config import IntegrationConfig
    from desktop_integrations.integration import Integration

logger = logging.getLogger(__name__)


def upgrade_settings(config: IntegrationConfig, integration: Integration) -> None:
    """Migrate ``config``'s settings to ``integration.settings_version`` in memory.

    The result is stored when the configuration is next saved. A failing
    ``migrate_settings()`` leaves the settings as stored and records the
    reason in ``config.problems``.
    """
    if config.settings_version >= integration.settings_version:
        return
    old, new = config.settings_version, integration.settings_version
    try:
        settings = integration.migrate_settings(old, copy.deepcopy(config.settings))
        if not isinstance(settings, dict):
            raise TypeError(f"migrate_settings() returned {type(settings).__name__}, not dict")
    except Exception as e:
        logger.exception("Migrating the settings of %r failed", config)
        config.problems.append(
            f"The settings could not be migrated from version {old} to {new}: {e}"
        )
        return
    config.settings = settings
    config.settings_version = new
