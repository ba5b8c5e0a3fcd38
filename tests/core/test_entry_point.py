from __future__ import annotations

import subprocess
import sys

import pytest

from desktop_integrations import __version__
from desktop_integrations.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_integrations", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"desktop-integrations {__version__}"


def test_help_lists_the_folder_options() -> None:
    result = run("--help")
    assert result.returncode == 0
    for option in ("--data-dir", "--plugins-dir", "--safe-mode", "--version"):
        assert option in result.stdout


def test_an_unknown_option_is_a_clear_error() -> None:
    result = run("--frobnicate")
    assert result.returncode == 2
    assert "unrecognized arguments: --frobnicate" in result.stderr


def test_main_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert __version__ in capsys.readouterr().out
