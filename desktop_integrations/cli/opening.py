"""Opening the chosen database, for the command line and the app, and telling the user.

Kept apart from the subcommands (:mod:`~desktop_integrations.cli.commands`),
which opening the app does not need.
"""

from __future__ import annotations

import sys

from desktop_integrations.storage import Store
from desktop_integrations.storage import open_store as open_target


def report(message: str) -> None:
    """Print a message for the user on stderr."""
    print(f"desktop-integrations: {message}", file=sys.stderr)


def open_store() -> Store:
    """Open the chosen database, saying on stderr if it had to be moved aside.

    ``--database`` or ``$DESKTOP_INTEGRATIONS_DATABASE`` chooses it (an SQLite
    file or a PostgreSQL URL); else it is the file in the data folder.

    Raises:
        StoreError: The database cannot be opened, or is from a newer version.
    """
    store = open_target()
    if store.recovered_from is not None:
        report(
            f"the database was unreadable; it was moved to {store.recovered_from} "
            f"and a new one was started."
        )
    for warning in store.warnings:
        report(warning)
    return store
