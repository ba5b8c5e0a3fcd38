"""Opening the app parses its own options without building every subcommand's parser."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

import pytest

from desktop_integrations.cli.commands import COMMANDS

cli_main = importlib.import_module("desktop_integrations.cli.main")


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The subcommands whose parsers get built, in order."""
    names: list[str] = []
    for name, (help_text, add_arguments, run) in list(COMMANDS.items()):

        def add(
            parser: argparse.ArgumentParser,
            name: str = name,
            add_arguments: Callable[[argparse.ArgumentParser], None] = add_arguments,
        ) -> None:
            names.append(name)
            add_arguments(parser)

        monkeypatch.setitem(COMMANDS, name, (help_text, add, run))
    return names


def test_the_app_s_own_options_build_no_subcommand_parser(built: list[str]) -> None:
    args = cli_main.parse_args(["--safe-mode", "-v", "--data-dir", "/tmp/somewhere"])
    assert (args.command, args.safe_mode, args.verbose) == (None, True, True)
    assert str(args.data_dir) == "/tmp/somewhere"
    assert built == []


def test_an_empty_command_line_gives_the_parser_s_defaults(built: list[str]) -> None:
    args = cli_main.parse_args([])
    assert built == []
    assert args == cli_main.build_parser().parse_args([])


def test_a_subcommand_is_parsed_with_every_subcommand(built: list[str]) -> None:
    args = cli_main.parse_args(["-v", "list"])
    assert (args.command, args.verbose) == ("list", True)
    assert built == list(COMMANDS)


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["lsit"], "argument COMMAND: invalid choice: 'lsit'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--data-dir"], "argument --data-dir: expected one argument"),
    ],
)
def test_a_wrong_command_line_is_reported_with_the_whole_usage(
    words: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli_main.parse_args(words)
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert message in error
    assert "COMMAND ..." in error  # the usage names the subcommands


@pytest.mark.parametrize("words", [["-h"], ["-vh"], ["--he"]])
def test_help_lists_every_subcommand(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli_main.parse_args(words)
    assert exited.value.code == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in COMMANDS)
