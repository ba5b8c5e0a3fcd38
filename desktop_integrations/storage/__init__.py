"""Storage: the database of configurations, application state and the delivery log.

``sqlite.py`` holds :class:`ConfigStore` (the SQLite database), ``schema.py``
its forward migrations, ``settings_codec.py`` how settings are stored, and
``secrets.py`` how secret values are encrypted at rest.
"""

from desktop_integrations.storage.sqlite import ConfigStore, describe_error

__all__ = ["ConfigStore", "describe_error"]
