"""The command line: starts the app, or runs a headless subcommand.

Headless subcommands never import Qt; only starting the app does.
"""

from desktop_integrations.cli.main import main

__all__ = ["main"]
