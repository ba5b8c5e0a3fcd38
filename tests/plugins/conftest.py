"""Fixtures of the built-in plugins' tests: a real Matrix homeserver, started once."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.synapse import Synapse, synapse_python


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    python = synapse_python()
    if python is None:
        reason = (
            "Synapse is not installed here: .ci/run installs matrix-synapse into its own "
            "venv and names its Python in DESKTOP_INTEGRATIONS_SYNAPSE_PYTHON"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    server = Synapse(python, tmp_path_factory.mktemp("synapse"))
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()
