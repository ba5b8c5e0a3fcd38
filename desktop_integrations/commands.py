"""Headless subcommands of the command line. None of them imports Qt."""

from __future__ import annotations

import argparse
from collections.abc import Callable

#: A subcommand: its help text, a function adding its arguments to its parser,
#: and a function running it that returns the exit status.
Command = tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]

#: Subcommands by name, in the order ``--help`` lists them.
COMMANDS: dict[str, Command] = {}
