"""Reading Apprise's configuration files (its text and YAML formats) with Apprise itself."""

from __future__ import annotations

from typing import Any

from desktop_integrations.url_formats import UrlFormatError


def read_config(text: str) -> list[tuple[str, str]]:
    """Return each service of an Apprise configuration file: its URL and its first tag.

    Apprise reads the file (``tag=url`` lines, or YAML with ``urls:``) and
    writes each service's URL in its own, complete form.

    Raises:
        UrlFormatError: The file holds no service Apprise can read.
    """
    from apprise.config.base import ConfigBase

    found, _includes = ConfigBase.config_parse(text)
    servers: list[Any] = list(found)  # Apprise's service objects
    if not servers:
        raise UrlFormatError(
            "Apprise found no service in it: write one URL per line (optionally "
            "'tag=URL'), or YAML with a 'urls:' list"
        )
    return [
        (str(server.url(privacy=False)), min((str(tag) for tag in server.tags), default=""))
        for server in servers
    ]
