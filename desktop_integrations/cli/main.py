"""The command line: starts the app, or runs a headless subcommand.

Headless subcommands never import Qt; only starting the app does.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from desktop_integrations.__about__ import __version__

#: The options of an app opened with an empty command line, as a desktop launcher
#: opens it (a test checks that they are what the parser gives).
NO_OPTIONS = {
    "data_dir": None,
    "database": None,
    "plugins_dir": None,
    "safe_mode": False,
    "verbose": False,
    "command": None,
}


class _NotAppOptionsError(Exception):
    """The command line is more than the app's own options (see :func:`parse_args`)."""


class _AppOptionsParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotAppOptionsError(message)


def build_parser(subcommands: bool = True) -> argparse.ArgumentParser:
    """Return the argument parser for the app and (unless told) every subcommand."""
    from desktop_integrations.cli.commands import COMMANDS

    parser_class = argparse.ArgumentParser if subcommands else _AppOptionsParser
    parser = parser_class(
        # Without subcommands, help is asked of the whole parser (see parse_args).
        add_help=subcommands,
        prog="desktop-integrations",
        description="Manage integrations with third-party services. "
        "Without a subcommand, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="folder holding the configuration database "
        "(default: $DESKTOP_INTEGRATIONS_DATA_DIR or the user data folder)",
    )
    parser.add_argument(
        "--database",
        metavar="PATH_OR_URL",
        help="the configuration database: an SQLite file, or a postgresql:// URL of a "
        "database the team shares (default: $DESKTOP_INTEGRATIONS_DATABASE or the file "
        "in the data folder)",
    )
    parser.add_argument(
        "--plugins-dir",
        type=Path,
        help="folder of plugin modules "
        "(default: $DESKTOP_INTEGRATIONS_PLUGINS_DIR or 'plugins' in the data folder)",
    )
    parser.add_argument(
        "--safe-mode", action="store_true", help="start without third-party plugins"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debugging details")
    if COMMANDS and subcommands:
        subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
        for name, (help_text, add_arguments, _run) in COMMANDS.items():
            add_arguments(subparsers.add_parser(name, help=help_text, description=help_text))
    return parser


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line.

    Opening the app (no subcommand named) needs only the app's own options,
    so the subcommands' parsers are not built then: about 2 ms of start-up;
    with no words at all no parser is built (:data:`NO_OPTIONS`, 1.3 ms).
    Anything the app's options leave over or do not take (help included) is
    parsed again with every subcommand, which answers as it always does.
    """
    words = sys.argv[1:] if argv is None else list(argv)
    if not words:
        return argparse.Namespace(**NO_OPTIONS)
    from desktop_integrations.cli.commands import COMMANDS

    if not any(word in COMMANDS for word in words):
        try:
            args, rest = build_parser(subcommands=False).parse_known_args(words)
        except _NotAppOptionsError:
            rest = words
        if not rest:
            args.command = None
            return args
    return build_parser().parse_args(words)


def apply_folders(args: argparse.Namespace) -> None:
    """Make ``--data-dir``, ``--database`` and ``--plugins-dir`` the defaults of this process."""
    if getattr(args, "database", None):
        os.environ["DESKTOP_INTEGRATIONS_DATABASE"] = args.database
    if args.data_dir is not None:
        os.environ["DESKTOP_INTEGRATIONS_DATA_DIR"] = str(args.data_dir.expanduser().resolve())
    if args.plugins_dir is not None:
        os.environ["DESKTOP_INTEGRATIONS_PLUGINS_DIR"] = str(
            args.plugins_dir.expanduser().resolve()
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Python's cyclic garbage collector is paused while the command starts:
    importing the package and building the window allocate a great deal and
    free almost nothing, so its passes over them (about 8 ms before the
    window is ready) find nothing. A subcommand runs with it on again; the
    app keeps it paused until its plugins are loaded.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        # Imported here, with the collector paused.
        from desktop_integrations.cli.logs import configure_logging
        from desktop_integrations.cli.opening import report
        from desktop_integrations.errors import IntegrationError

        args = parse_args(argv)
        configure_logging(args.verbose)
        apply_folders(args)
        command = getattr(args, "command", None)
        if command is not None:
            # Imported here: opening the app needs no subcommand.
            from desktop_integrations.cli.commands import COMMANDS

            if collecting:
                gc.enable()
            try:
                return COMMANDS[command][2](args)
            except IntegrationError as e:
                # The database cannot be opened, for instance: a message, not a traceback.
                report(str(e))
                return 1
        from desktop_integrations.app import run

        return run(args, sys.argv[:1])
    finally:
        if collecting:
            gc.enable()
