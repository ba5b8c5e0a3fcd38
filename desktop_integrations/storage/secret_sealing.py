"""Encrypting the secret settings that earlier versions stored in plaintext.

Webhook URLs, webhook headers and (before secrets were encrypted at rest)
``SecretStr`` values were once stored as plain JSON values. They are sealed,
that is stored encrypted as every secret is since, at two moments:

- When a store opens (:func:`seal_earlier_builtins`): the built-in
  integrations' secret settings listed in :data:`EARLIER_PLAINTEXT`, whether
  or not their plugins are imported in this run.
- When an integration registers (:class:`SecretSealer`): the secret fields its
  form declares, for a plugin's own settings. A lazily built form is not
  built for this; its configurations are sealed when first loaded.

Only the stored JSON document changes: no value is decrypted or lost, and the
revision and ``last_updated`` stay as they were, so a dialog open on the same
configuration elsewhere still saves without a conflict. A row is rewritten
only if it still holds the document that was read, so a save made meanwhile
is never overwritten. Each integration is sealed in one transaction, which
also records it in the ``secret_fields`` table: later starts find nothing to
do with one query. A store that cannot be written (read-only, no team key)
keeps the values as they are, with a warning that names no value, and the
next start tries again. On SQLite the old values are then scrubbed from the
files; a PostgreSQL server reclaims old row versions itself (``VACUUM``).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from desktop_integrations.errors import StoreError
from desktop_integrations.storage.rows import GENERATION
from desktop_integrations.storage.settings_codec import SettingsCodec
from desktop_integrations.storage.sqlite_open import SqliteOpening

if TYPE_CHECKING:
    from desktop_integrations.storage.base import Store

logger = logging.getLogger(__name__)

#: The built-in integrations' secret settings that earlier versions stored in plaintext.
EARLIER_PLAINTEXT: Mapping[str, frozenset[str]] = {
    "builtin.webhook": frozenset({"url", "secret", "headers"}),
    "builtin.slack": frozenset({"webhook_url"}),
    "builtin.mattermost": frozenset({"webhook_url"}),
    "builtin.discord": frozenset({"webhook_url"}),
    "builtin.msteams": frozenset({"webhook_url"}),
    "builtin.matrix": frozenset({"access_token"}),
    "builtin.email": frozenset({"password"}),
}


def seal_document(codec: SettingsCodec, raw: str, fields: Collection[str]) -> str | None:
    """Return a stored settings document with the plaintext values of ``fields`` encrypted.

    Returns:
        The new document, or None if it holds no such value (or is unreadable,
        which loading the configuration reports).

    Raises:
        StoreError: A value cannot be encrypted here (no team key).
    """
    try:
        document = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    plain = [
        name for name in fields if isinstance(document.get(name), str | list) and document[name]
    ]
    if not plain:
        return None
    for name in plain:
        document[name] = codec.seal(document[name])
    return json.dumps(document, allow_nan=False)


def seal_stored(
    store: Store, plan: Mapping[str, frozenset[str]], config_id: int | None = None
) -> int | None:
    """Seal the plaintext values of secret settings in stored configurations.

    One transaction rewrites every row that holds such a value and records
    each integration that has configurations as sealed.

    Args:
        store: The store.
        plan: The names of the secret settings, by integration.
        config_id: Seal this configuration only, and record nothing.

    Returns:
        The configuration generation after the change, or None if no row changed.

    Raises:
        StoreError: The store cannot be read or written; nothing was changed.
    """
    marks = ", ".join("?" * len(plan))
    sql = f"SELECT id, integration_id, settings FROM configs WHERE integration_id IN ({marks})"
    params: tuple[object, ...] = tuple(plan)
    if config_id is not None:
        sql, params = sql + " AND id = ?", (*params, config_id)
    rows = store.query(sql, params)
    updates = []
    sealed = set()
    for row in rows:
        document = seal_document(store.codec, row[2], plan[row[1]])
        if document is not None:
            updates.append((document, row[0], row[2]))
            sealed.add(row[1])
    found = sorted({row[1] for row in rows}) if config_id is None else []
    if not updates and not found:
        return None
    generation = None
    with store.transaction("encrypt the secret settings stored in plaintext") as conn:
        for update in updates:
            conn.execute("UPDATE configs SET settings = ? WHERE id = ? AND settings = ?", update)
        for integration_id in found:
            conn.execute(
                "INSERT INTO secret_fields (integration_id, fields) VALUES (?, ?)"
                " ON CONFLICT (integration_id) DO UPDATE SET fields = excluded.fields",
                (integration_id, ",".join(sorted(plan[integration_id]))),
            )
        if updates:
            generation = int(conn.execute(GENERATION).fetchone()[0])
    if updates:
        logger.info(
            "Encrypted the secret settings that %d configurations of %s stored in plaintext",
            len(updates),
            ", ".join(sorted(sealed)),
        )
        if isinstance(store, SqliteOpening):
            # The write-ahead log still holds the pages as they were before; a
            # reader of another process may keep it busy: it is emptied later.
            with contextlib.suppress(StoreError):
                store.query("PRAGMA wal_checkpoint(TRUNCATE)")
    return generation


def recorded_fields(store: Store) -> dict[str, frozenset[str]]:
    """Return the secret settings recorded as sealed, by integration.

    Raises:
        StoreError: The store cannot be read.
    """
    rows = store.query("SELECT integration_id, fields FROM secret_fields")
    return {row[0]: frozenset(filter(None, row[1].split(","))) for row in rows}


class SecretSealer:
    """Seals each integration's plaintext secret settings, once per store.

    Args:
        store: The store whose configurations are sealed.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._recorded: dict[str, frozenset[str]] | None = None
        self._with_configs: set[str] = set()
        # After a failed write, this run tries no more (one warning); the next start does.
        self._failed = bool(getattr(store, "read_only", False))

    def recorded(self) -> dict[str, frozenset[str]]:
        """Return the fields recorded as sealed, by integration; read once.

        Raises:
            StoreError: The store cannot be read.
        """
        if self._recorded is None:
            self._recorded = recorded_fields(self.store)
            rows = self.store.query("SELECT DISTINCT integration_id FROM configs")
            self._with_configs = {row[0] for row in rows}
        return self._recorded

    def seal(self, integration_id: str, fields: frozenset[str]) -> int | None:
        """Seal the integration's secret settings unless that was done before.

        An integration without stored configurations has nothing to seal: a
        configuration saved from now on is encrypted as it is saved.

        Returns:
            The configuration generation after the change, or None if no row
            changed (nothing to do, or the store could not be written: a
            warning is then logged and the values stay as they were).
        """
        if not fields or self._failed:
            return None
        try:
            done = self.recorded().get(integration_id, frozenset())
            if fields <= done or integration_id not in self._with_configs:
                return None
            generation = seal_stored(self.store, {integration_id: fields | done})
        except StoreError as e:
            self._fail(integration_id, e)
            return None
        self.recorded()[integration_id] = fields | done
        return generation

    def seal_config(self, integration_id: str, config_id: int, fields: frozenset[str]) -> bool:
        """Seal one loaded configuration that still stores secrets in plaintext.

        Returns:
            Whether it is sealed now (else a warning was logged).
        """
        if self._failed:
            return False
        try:
            seal_stored(self.store, {integration_id: fields}, config_id)
        except StoreError as e:
            self._fail(integration_id, e)
            return False
        return True

    def _fail(self, integration_id: str, error: StoreError) -> None:
        self._failed = True
        _warn(integration_id, error)


def seal_earlier_builtins(store: Store) -> None:
    """Seal the built-in integrations' settings of :data:`EARLIER_PLAINTEXT`, once.

    Called as a writable store opens; a failure is logged, never raised.
    """
    try:
        recorded = recorded_fields(store)
        plan = {
            integration_id: fields | recorded.get(integration_id, fields)
            for integration_id, fields in EARLIER_PLAINTEXT.items()
            if not fields <= recorded.get(integration_id, frozenset())
        }
        if plan:
            seal_stored(store, plan)
    except StoreError as e:
        _warn("the built-in integrations", e)


def _warn(integration_id: str, error: StoreError) -> None:
    logger.warning(
        "The secret settings that %s stored in plaintext were left as they are, to be "
        "encrypted at a later start: %s",
        integration_id,
        error,
    )
