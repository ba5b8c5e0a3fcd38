from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

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


def test_a_command_on_a_newer_database_says_why_without_a_traceback(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    conn = sqlite3.connect(data / "integrations.sqlite3")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    result = run("--data-dir", str(data), "list")
    assert result.returncode == 1
    assert "written by a newer version of desktop-integrations" in result.stderr
    assert "Traceback" not in result.stderr
