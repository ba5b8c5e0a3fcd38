"""The database schema, as a list of forward migrations.

``PRAGMA user_version`` holds the number of migrations applied. A migration is
never edited once released: changes are new entries at the end.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: configurations, extension state, the delivery log, and a generation
    # counter that triggers bump on every configuration change so other
    # processes can tell their caches are stale.
    """
    CREATE TABLE configs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        integration_id TEXT NOT NULL,
        name TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        settings TEXT NOT NULL DEFAULT '{}',
        extra_data TEXT NOT NULL DEFAULT '{}',
        settings_version INTEGER NOT NULL DEFAULT 0,
        revision INTEGER NOT NULL DEFAULT 1,
        time_added TEXT NOT NULL,
        last_updated TEXT NOT NULL
    );
    CREATE INDEX configs_by_integration ON configs (integration_id, enabled);

    CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO meta (key, value) VALUES ('generation', 0);

    CREATE TRIGGER configs_inserted AFTER INSERT ON configs BEGIN
        UPDATE meta SET value = value + 1 WHERE key = 'generation';
    END;
    CREATE TRIGGER configs_updated AFTER UPDATE ON configs BEGIN
        UPDATE meta SET value = value + 1 WHERE key = 'generation';
    END;
    CREATE TRIGGER configs_deleted AFTER DELETE ON configs BEGIN
        UPDATE meta SET value = value + 1 WHERE key = 'generation';
    END;

    CREATE TABLE extensions (
        extension_id TEXT PRIMARY KEY,
        enabled INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT '{}'
    );

    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        config_id INTEGER,
        integration_id TEXT NOT NULL,
        config_name TEXT NOT NULL,
        event_kind TEXT NOT NULL,
        time TEXT NOT NULL,
        status TEXT NOT NULL,
        response TEXT NOT NULL DEFAULT '',
        duration_ms REAL NOT NULL DEFAULT 0,
        error TEXT NOT NULL DEFAULT '',
        attempts INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX deliveries_by_config ON deliveries (config_id, id);
    """,
    # 2: the outbox. emit() writes each event once (outbox_events) and one row
    # per delivery (outbox), in one transaction; a delivery's row is deleted in
    # the transaction that writes its outcome to the delivery log, which now
    # carries the stable delivery ID sent to the service.
    """
    CREATE TABLE outbox_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        event TEXT NOT NULL
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id TEXT NOT NULL UNIQUE,
        event_id INTEGER NOT NULL REFERENCES outbox_events (id),
        config_id INTEGER,
        integration_id TEXT NOT NULL,
        config_name TEXT NOT NULL,
        event_kind TEXT NOT NULL,
        time_added TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        not_before REAL NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_until REAL NOT NULL DEFAULT 0
    );
    CREATE INDEX outbox_by_event ON outbox (event_id);
    CREATE INDEX outbox_by_lease ON outbox (lease_owner);

    ALTER TABLE deliveries ADD COLUMN delivery_id TEXT NOT NULL DEFAULT '';
    CREATE INDEX deliveries_by_delivery_id ON deliveries (delivery_id);
    """,
    # 3: a stable UID per configuration, kept by export and import, so that
    # importing a file again updates what it imported instead of duplicating it.
    """
    ALTER TABLE configs ADD COLUMN uid TEXT;
    UPDATE configs SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
    CREATE UNIQUE INDEX configs_by_uid ON configs (uid);
    """,
    # 4: per integration, the secret settings whose values stored in plaintext
    # by earlier versions were encrypted (see storage/secret_sealing.py), so
    # that later starts do not look for them again.
    """
    CREATE TABLE secret_fields (
        integration_id TEXT PRIMARY KEY,
        fields TEXT NOT NULL
    );
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
