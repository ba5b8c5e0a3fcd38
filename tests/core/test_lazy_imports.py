"""Opening the database and listing it must not import pydantic or the plugins' forms."""

from __future__ import annotations

import subprocess
import sys

import pytest

import desktop_integrations


def run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_starting_the_app_imports_no_pydantic_until_plugins_load() -> None:
    code = (
        "import sys\n"
        "import desktop_integrations.cli, desktop_integrations.extensions.manager\n"
        "from desktop_integrations import ConfigStore, IntegrationManager, paths\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'httpx')))\n"
    )
    assert run(code) == "[]"


def test_every_public_name_is_importable_from_the_package() -> None:
    code = (
        "import desktop_integrations as d\n"
        "from desktop_integrations import *\n"
        "print(all(getattr(d, name) is globals()[name] for name in d.__all__))\n"
    )
    assert run(code) == "True"
    assert set(desktop_integrations.__all__) <= set(dir(desktop_integrations))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchName"):
        desktop_integrations.NoSuchName  # type: ignore[attr-defined]  # noqa: B018
