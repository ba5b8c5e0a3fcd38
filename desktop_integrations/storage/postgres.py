"""PostgresStore: configurations in a PostgreSQL database a team shares.

Needs the ``postgres`` extra (psycopg 3 and psycopg_pool). Secrets are
encrypted on the desktop with the team key (see ``team_key.py``) before they
reach the server. Every change is notified on the schema's channel, and a
listening thread hands other processes' changes to :meth:`subscribe`'s
listeners within a second.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_integrations.errors import SchemaTooNewError, StoreError
from desktop_integrations.signals import send_safely, store_connection_changed
from desktop_integrations.storage.base import ChangeListener, StoreChange
from desktop_integrations.storage.pg_connect import (
    Connection,
    describe_error,
    describe_server,
    row_factory,
    translate,
)
from desktop_integrations.storage.pg_data import PostgresData
from desktop_integrations.storage.pg_listen import ChangeListener as ListenThread
from desktop_integrations.storage.pg_outbox import PostgresOutbox
from desktop_integrations.storage.pg_schema import CHANNEL_PREFIX, PG_MIGRATIONS, PG_SCHEMA_VERSION
from desktop_integrations.storage.secret_sealing import seal_earlier_builtins
from desktop_integrations.storage.secrets import SecretBox
from desktop_integrations.storage.settings_codec import SettingsCodec
from desktop_integrations.storage.target import redact
from desktop_integrations.storage.team_key import TeamKeyBox, create_key_file, team_key_path

if TYPE_CHECKING:
    import psycopg

logger = logging.getLogger(__name__)

#: Connections a desktop app keeps: one for the window, a few for deliveries.
POOL_MIN, POOL_MAX = 1, 4
#: Seconds to wait for the server when connecting or for a free connection.
CONNECT_TIMEOUT = 5
_MIGRATION_LOCK = 0x6465736B  # an arbitrary advisory lock number for schema upgrades


def _configure(conn: psycopg.Connection[Any]) -> None:
    """Prepare a pooled connection: timestamps in UTC."""
    conn.execute("SET TIME ZONE 'UTC'")
    conn.commit()


class PostgresStore(PostgresData, PostgresOutbox):
    """The store on a PostgreSQL database (see :class:`~desktop_integrations.storage.Store`).

    Args:
        url: A ``postgresql://user:password@host:port/database`` URL (any
            libpq connection string works).
        secrets: Encrypts secret settings; by default a
            :class:`~desktop_integrations.storage.team_key.TeamKeyBox` on the
            team key file.

    Raises:
        SchemaTooNewError: The database was written by a newer version.
        StoreError: The server cannot be reached, refused the login, or the
            database cannot be upgraded; the message names the host.
    """

    live = True
    recovered_from: Path | None = None

    def __init__(self, url: str, *, secrets: SecretBox | None = None) -> None:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict

        self.url = url
        self.location = redact(url)
        self.warnings: list[str] = []
        self.server = describe_server(url)
        try:
            self._password = str(conninfo_to_dict(url).get("password") or "") or None
        except psycopg.ProgrammingError as e:
            raise StoreError(f"{self.location} is not a valid PostgreSQL address.") from e
        self.secrets: SecretBox = secrets or TeamKeyBox(team_key_path())
        self.codec = SettingsCodec(self.secrets)
        self._local = threading.local()
        self._listeners: list[ChangeListener] = []
        self._online = True
        self._reason = ""
        with self._first_connection() as conn:
            self._migrate(conn)
            self._check_team_key(conn)
            schema = conn.execute("SELECT current_schema()").fetchone()
        problem = getattr(self.secrets, "problem", "")
        if problem:
            self.warnings.append(
                f"{problem} Secrets of the team's configurations show as not decryptable "
                f"and cannot be entered; ask a team member for the key file."
            )
        self.channel = CHANNEL_PREFIX + str(schema[0] if schema else "public")
        self._pool = self._open_pool()
        seal_earlier_builtins(self)
        self._listener = ListenThread(
            url, self.channel, self._dispatch, self._set_state, self._password
        )
        self._listener.start()
        self._listener.wait_connected(CONNECT_TIMEOUT)

    # Connecting ------------------------------------------------------------

    def _fail(self, action: str, error: BaseException) -> StoreError:
        from psycopg_pool import PoolTimeout

        if isinstance(error, PoolTimeout):
            reason = "no connection to the server could be made in time"
        else:
            reason = describe_error(error, self._password)
        return StoreError(f"Could not {action}: {reason} (team database at {self.server}).")

    @contextmanager
    def _first_connection(self) -> Iterator[psycopg.Connection[Any]]:
        import psycopg

        try:
            conn = psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT, autocommit=True)
        except psycopg.Error as e:
            reason = describe_error(e, self._password)
            raise StoreError(
                f"Cannot connect to the team database at {self.server}: {reason}."
            ) from e
        try:
            yield conn
        except psycopg.Error as e:
            raise self._fail("open the team database", e) from e
        finally:
            conn.close()

    def _open_pool(self) -> Any:
        from psycopg_pool import ConnectionPool

        pool = ConnectionPool(
            self.url,
            min_size=POOL_MIN,
            max_size=POOL_MAX,
            kwargs={"row_factory": row_factory, "connect_timeout": CONNECT_TIMEOUT},
            configure=_configure,
            open=False,
            name="desktop-integrations",
            timeout=CONNECT_TIMEOUT,
        )
        try:
            pool.open(wait=True, timeout=CONNECT_TIMEOUT * 2)
        except Exception as e:
            pool.close()
            raise self._fail("connect", e) from e
        return pool

    def _migrate(self, conn: psycopg.Connection[Any]) -> None:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            version = self._schema_version(conn)
            if version > PG_SCHEMA_VERSION:
                raise SchemaTooNewError(
                    f"The team database at {self.server} was written by a newer version of "
                    f"desktop-integrations (schema {version}; this version reads up to "
                    f"{PG_SCHEMA_VERSION}). It was left untouched: update the application."
                )
            for number in range(version + 1, PG_SCHEMA_VERSION + 1):
                conn.execute(PG_MIGRATIONS[number - 1])
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', %s)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (number,),
                )

    def _schema_version(self, conn: psycopg.Connection[Any]) -> int:
        exists = conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()
        if not exists or not exists[0]:
            return 0
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _check_team_key(self, conn: psycopg.Connection[Any]) -> None:
        """Create the team key on a new database; else check that ours fits."""
        box = self.secrets
        if not isinstance(box, TeamKeyBox):
            return
        select = "SELECT value FROM properties WHERE key = 'team_key_check'"
        row = conn.execute(select).fetchone()
        if row is None:
            created = not box.has_key and create_key_file(box.path)
            if created or not box.has_key:
                box.reload()
            inserted = conn.execute(
                "INSERT INTO properties (key, value) VALUES ('team_key_check', %s)"
                " ON CONFLICT (key) DO NOTHING RETURNING 1",
                (box.check_token(),),
            ).fetchone()
            if inserted:
                if created:
                    logger.warning(
                        "Created the team key %s: hand it to the other members of the team",
                        box.path,
                    )
                return
            row = conn.execute(select).fetchone()
            if not box.accept(str(row[0]) if row else "") and created:
                box.path.unlink()  # another member created the database's key first
                box.reload()
            return
        box.accept(str(row[0]))

    def _set_state(self, online: bool, reason: str) -> None:
        changed = online != self._online or reason != self._reason
        self._online, self._reason = online, reason
        if online and hasattr(self, "_pool"):
            self._pool.check()  # drop the connections the outage broke
        if changed:
            send_safely(store_connection_changed, self, connected=online, message=self.status())

    @property
    def connected(self) -> bool:
        """Whether the server is reachable, as the listening connection last saw it."""
        return self._online

    def status(self) -> str:
        """A one-line description of the connection, for a status bar."""
        if self._online:
            return f"Connected to the team database at {self.server}"
        return f"Not connected to the team database at {self.server} ({self._reason}); retrying"

    # Transactions ----------------------------------------------------------

    @contextmanager
    def _connection(self, action: str) -> Iterator[psycopg.Connection[Any]]:
        import psycopg

        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        if not self._online:
            raise StoreError(
                f"Could not {action}: not connected to the team database at {self.server} "
                f"({self._reason}). Nothing was changed; it reconnects by itself."
            )
        try:
            with self._pool.connection() as conn:
                yield conn
        except psycopg.Error as e:
            raise self._fail(action, e) from e

    # The outbox mixin types its connection as SQLite's; ours takes the same statements.
    @contextmanager
    def transaction(self, action: str) -> Iterator[Connection]:  # type: ignore[override]
        """Run a block of writes as one transaction (a savepoint when nested).

        Raises:
            StoreError: The database could not be written; nothing was changed.
        """
        import psycopg

        with self._connection(action) as conn:
            outer = getattr(self._local, "conn", None) is None
            self._local.conn = conn
            try:
                with conn.transaction():
                    yield Connection(conn)
            except psycopg.Error as e:
                raise self._fail(action, e) from e
            finally:
                if outer:
                    self._local.conn = None

    def query(self, sql: str, params: tuple[Any, ...] | Mapping[str, Any] = ()) -> list[Any]:
        """Run a read query (``?`` placeholders) and return its rows."""
        import psycopg

        with self._connection("read the team database") as conn:
            try:
                return conn.execute(translate(sql), params or None).fetchall()
            except psycopg.Error as e:
                raise self._fail("read the team database", e) from e

    def config_summaries(self) -> list[tuple[int, str, str, int]]:
        """Return ``(id, integration_id, name, enabled)`` of every configuration, oldest first.

        Plain tuples straight from psycopg, so a list of 100,000 reads fast.
        """
        import psycopg
        from psycopg.rows import tuple_row

        with self._connection("read the team database") as conn:
            try:
                cursor = conn.cursor(row_factory=tuple_row)
                cursor.execute("SELECT id, integration_id, name, enabled FROM configs ORDER BY id")
                return cursor.fetchall()
            except psycopg.Error as e:
                raise self._fail("read the team database", e) from e

    def generation(self) -> int:
        """A counter that changes whenever any process changes a configuration."""
        return int(self.query("SELECT value FROM meta WHERE key = 'generation'")[0][0])

    def close(self) -> None:
        """Stop listening and close every connection."""
        self._listener.stop(self._notify)
        self._pool.close()

    def _notify(self, channel: str) -> None:
        with self._pool.connection(timeout=1) as conn:
            conn.execute("SELECT pg_notify(%s, '')", (channel,))

    # Live change -------------------------------------------------------------

    def subscribe(self, listener: ChangeListener) -> None:
        """Call ``listener`` with each change another process makes, on the listening thread."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: ChangeListener) -> None:
        """Stop calling ``listener``."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _dispatch(self, change: StoreChange) -> None:
        for listener in list(self._listeners):
            try:
                listener(change)
            except Exception:
                logger.exception("A listener of the team database's changes failed")
