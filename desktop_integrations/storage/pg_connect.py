"""Connecting to PostgreSQL: addresses, one-line error messages, rows and SQL.

The store's callers write SQL with ``?`` placeholders (SQLite's); the
connection wrapper here turns it into psycopg's, so the delivery log and
other modules run their statements on either backend.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg
    from psycopg.rows import RowMaker


def describe_server(conninfo: str) -> str:
    """Return ``host:port/database`` of a connection string, for messages."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(conninfo)
    except Exception:
        return "the PostgreSQL server"
    host = str(params.get("host") or "localhost")
    if host.startswith("/"):
        host = f"the socket in {host}"
    port = params.get("port")
    where = f"{host}:{port}" if port and not host.startswith("the socket") else host
    return f"{where}/{params.get('dbname') or params.get('user') or ''}".rstrip("/")


_REASONS = (
    ("password authentication failed", "the user name or password was refused"),
    ("no password supplied", "the server asks for a password and none was given"),
    ("does not exist", None),
    ("connection refused", "nothing is listening there (is the server running?)"),
    ("no such file or directory", "nothing is listening there (is the server running?)"),
    ("timeout expired", "the server did not answer in time"),
    ("could not translate host name", "the host name is unknown"),
    ("no pg_hba.conf entry", "the server does not accept connections from this machine"),
    ("too many connections", "the server has no free connections"),
    ("terminating connection", "the server closed the connection"),
    ("server closed the connection", "the server closed the connection"),
    ("ssl", None),
)


def describe_error(error: BaseException, secret: str | None = None) -> str:
    """Return a one-line reason for a psycopg error, never with the password in it."""
    text = " ".join(str(error).split())
    lowered = text.lower()
    reason = None
    for needle, plain in _REASONS:
        if needle in lowered:
            reason = plain
            if plain is None:  # the server's own words say it best
                match = re.search(r"FATAL:\s*(.*)", text)
                reason = match.group(1) if match else text
            break
    if reason is None:
        match = re.search(r"(?:FATAL|ERROR):\s*(.*)", text)
        reason = match.group(1) if match else text or type(error).__name__
    if secret:
        reason = reason.replace(secret, "***")
    return reason


class Row:
    """A row readable by index (``row[0]``) and by column name (``row["id"]``)."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: Mapping[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: int | slice | str) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Any:
        return iter(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return self._values == other._values
        return self._values == other

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"Row{self._values!r}"

    def keys(self) -> list[str]:
        """Return the column names."""
        return list(self._index)


def row_factory(cursor: psycopg.Cursor[Any]) -> RowMaker[Row]:
    """Make :class:`Row` objects for a psycopg cursor."""
    description = cursor.description or []
    index = {column.name: number for number, column in enumerate(description)}

    def make(values: Sequence[Any]) -> Row:
        return Row(values, index)

    return make


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """Turn SQLite-flavoured SQL (``?``, ``IS ?``) into psycopg's (``%s``)."""
    sql = sql.replace("%", "%%")
    sql = re.sub(r"\bIS\s+\?", "IS NOT DISTINCT FROM ?", sql, flags=re.IGNORECASE)
    return sql.replace("?", "%s")


class Connection:
    """A psycopg connection taking ``?`` placeholders, as the store's callers write them."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = (), /) -> Any:
        """Run one statement and return its cursor."""
        return self.raw.execute(translate(sql), params or None)
