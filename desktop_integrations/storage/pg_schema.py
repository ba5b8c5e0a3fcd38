"""The PostgreSQL schema, as a list of forward migrations.

The ``meta`` row ``schema_version`` holds the number of migrations applied.
A migration is never edited once released: changes are new entries at the
end. The tables mirror the SQLite ones (see ``schema.py``) column for column,
so statements written for one run on the other; every configuration change
bumps the generation and notifies the listeners of the schema's channel.
"""

from __future__ import annotations

#: The LISTEN/NOTIFY channel of a schema is this prefix plus the schema's name.
CHANNEL_PREFIX = "desktop_integrations."

PG_MIGRATIONS: tuple[str, ...] = (
    # 1: configurations, extension state, the delivery log, the generation
    # counter with its change notifications, and the team key check.
    """
    CREATE TABLE configs (
        id BIGSERIAL PRIMARY KEY,
        integration_id TEXT NOT NULL,
        name TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        settings TEXT NOT NULL DEFAULT '{}',
        extra_data TEXT NOT NULL DEFAULT '{}',
        settings_version INTEGER NOT NULL DEFAULT 0,
        revision INTEGER NOT NULL DEFAULT 1,
        time_added TIMESTAMPTZ NOT NULL,
        last_updated TIMESTAMPTZ NOT NULL
    );
    CREATE INDEX configs_by_integration ON configs (integration_id, enabled);

    CREATE TABLE meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
    INSERT INTO meta (key, value) VALUES ('generation', 0);

    CREATE TABLE properties (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    CREATE FUNCTION configs_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        changed configs%ROWTYPE;
        after BIGINT;
    BEGIN
        IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
        UPDATE meta SET value = value + 1 WHERE key = 'generation' RETURNING value INTO after;
        PERFORM pg_notify(
            'desktop_integrations.' || TG_TABLE_SCHEMA,
            json_build_object(
                'generation', after,
                'integration_id', changed.integration_id,
                'config_id', changed.id
            )::text
        );
        RETURN NULL;
    END;
    $$;
    CREATE TRIGGER configs_changed AFTER INSERT OR UPDATE OR DELETE ON configs
        FOR EACH ROW EXECUTE FUNCTION configs_changed();

    CREATE TABLE extensions (
        extension_id TEXT PRIMARY KEY,
        enabled INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT '{}'
    );

    CREATE TABLE deliveries (
        id BIGSERIAL PRIMARY KEY,
        config_id BIGINT,
        integration_id TEXT NOT NULL,
        config_name TEXT NOT NULL,
        event_kind TEXT NOT NULL,
        time TEXT NOT NULL,
        status TEXT NOT NULL,
        response TEXT NOT NULL DEFAULT '',
        duration_ms DOUBLE PRECISION NOT NULL DEFAULT 0,
        error TEXT NOT NULL DEFAULT '',
        attempts INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX deliveries_by_config ON deliveries (config_id, id);
    """,
    # 2: the outbox, as SQLite's migration 2. Workers on any machine claim
    # rows with SELECT ... FOR UPDATE SKIP LOCKED and a lease that expires.
    """
    CREATE TABLE outbox_events (
        id BIGSERIAL PRIMARY KEY,
        event TEXT NOT NULL
    );
    CREATE TABLE outbox (
        id BIGSERIAL PRIMARY KEY,
        delivery_id TEXT NOT NULL UNIQUE,
        event_id BIGINT NOT NULL REFERENCES outbox_events (id),
        config_id BIGINT,
        integration_id TEXT NOT NULL,
        config_name TEXT NOT NULL,
        event_kind TEXT NOT NULL,
        time_added TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        not_before DOUBLE PRECISION NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_until DOUBLE PRECISION NOT NULL DEFAULT 0
    );
    CREATE INDEX outbox_by_event ON outbox (event_id);
    CREATE INDEX outbox_by_lease ON outbox (lease_owner);
    CREATE INDEX outbox_due ON outbox (not_before, lease_until);

    ALTER TABLE deliveries ADD COLUMN delivery_id TEXT NOT NULL DEFAULT '';
    CREATE INDEX deliveries_by_delivery_id ON deliveries (delivery_id);
    """,
    # 3: a stable UID per configuration, as SQLite's migration 3.
    """
    ALTER TABLE configs ADD COLUMN uid TEXT;
    UPDATE configs SET uid = md5(random()::text || id::text) WHERE uid IS NULL;
    CREATE UNIQUE INDEX configs_by_uid ON configs (uid);
    """,
    # 4: the secret settings sealed per integration, as SQLite's migration 4.
    """
    CREATE TABLE secret_fields (
        integration_id TEXT PRIMARY KEY,
        fields TEXT NOT NULL
    );
    """,
)

PG_SCHEMA_VERSION = len(PG_MIGRATIONS)
