"""The configurations and extension state of :class:`PostgresStore`.

The statements are the ones SQLite runs too (:class:`SharedStatements`);
this says how PostgreSQL keeps a configuration's times and new IDs.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from desktop_integrations.config import IntegrationConfig
from desktop_integrations.storage.pg_connect import Connection
from desktop_integrations.storage.statements import SharedStatements

_FIX_SEQUENCE = (
    "SELECT setval(pg_get_serial_sequence('configs', 'id'),"
    " GREATEST((SELECT max(id) FROM configs), 1))"
)


class PostgresData(SharedStatements):
    """Reads and writes configurations and extension state through the store's connections.

    A new configuration's ID comes from the ``configs`` sequence, which an
    import that keeps its IDs moves past them.
    """

    new_config_id = "COALESCE(?, nextval(pg_get_serial_sequence('configs', 'id')))"
    after_kept_id = _FIX_SEQUENCE

    @abstractmethod
    def transaction(self, action: str) -> AbstractContextManager[Connection]:
        """Run a block of writes as one transaction."""

    @abstractmethod
    def query(self, sql: str, params: tuple[Any, ...] | Mapping[str, Any] = ()) -> list[Any]:
        """Run a read query and return its rows."""

    @staticmethod
    def read_time(config: IntegrationConfig, row: Any, column: str) -> datetime:
        """Return a ``timestamptz`` column in UTC (PostgreSQL always has a valid one)."""
        value: datetime = row[column]
        return value.astimezone(UTC)

    @staticmethod
    def stored_time(value: datetime) -> datetime:
        """Return a time as the ``configs`` table keeps it: a ``timestamptz``."""
        return value
