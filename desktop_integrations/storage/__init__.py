"""Storage: the database of configurations, application state and the delivery log.

``base.py`` holds the :class:`Store` interface every caller talks to;
``sqlite.py`` holds :class:`ConfigStore` (a local SQLite file), ``postgres.py``
:class:`PostgresStore` (a PostgreSQL database a team shares), and
``target.py`` :func:`open_store`, which picks one. ``schema.py`` and
``pg_schema.py`` hold their forward migrations, ``settings_codec.py`` how
settings are stored, ``secrets.py`` and ``team_key.py`` how secret values are
encrypted.
"""

from desktop_integrations.storage.base import Store, StoreChange
from desktop_integrations.storage.sqlite import ConfigStore, describe_error
from desktop_integrations.storage.target import open_store

__all__ = ["ConfigStore", "Store", "StoreChange", "describe_error", "open_store"]
