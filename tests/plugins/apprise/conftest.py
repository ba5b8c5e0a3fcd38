"""Fixtures of the Apprise tests: the plugin running on a fresh manager."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.plugins.apprise import AppriseExtension
from tests.servers import installed

pytest.importorskip("apprise")


@pytest.fixture
def apprise_manager(manager: IntegrationManager) -> Iterator[IntegrationManager]:
    with installed(manager, AppriseExtension):
        yield manager
