"""The catalogue of Apprise's services, cached so that start-up need not import Apprise.

Importing Apprise and asking it for ``details()`` costs about a third of a second.
The :class:`Service` records read from it are kept as JSON in the cache folder,
keyed by the installed Apprise version (read from its package metadata, which
does not import it) and this app's version. A start with a matching catalogue
registers the services from it; Apprise itself is imported only when a form is
built, a URL is read or composed, or a delivery is sent. A missing, damaged or
stale catalogue is rebuilt from Apprise and written again.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from desktop_integrations import __version__, paths
from desktop_integrations.plugins.apprise.schema import Service, Token, load_services

logger = logging.getLogger(__name__)

#: The catalogue's file name in the cache folder.
CATALOGUE_NAME = "apprise-services.json"
#: Bumped whenever the records' layout changes, so that old catalogues are rebuilt.
FORMAT = 2


def catalogue_key() -> dict[str, Any] | None:
    """Return what a catalogue must have been written for, or None if Apprise has no metadata."""
    try:
        apprise_version = importlib.metadata.version("apprise")
    except importlib.metadata.PackageNotFoundError:
        return None
    return {"format": FORMAT, "apprise": apprise_version, "app": __version__}


_TOKEN_DEFAULTS = {f.name: f.default for f in fields(Token) if f.name not in ("key", "title")}
_TUPLES = ("values", "delim", "group")


def _token_record(token: Token) -> dict[str, Any]:
    """Return a token as JSON, leaving out what has its default value."""
    record = asdict(token)
    return {
        name: value
        for name, value in record.items()
        if name not in _TOKEN_DEFAULTS or value != _TOKEN_DEFAULTS[name]
    }


def _token(raw: Mapping[str, Any]) -> Token:
    record = dict(raw)
    for name in _TUPLES:
        if name in record:
            record[name] = tuple(record[name])
    if record.get("regex"):
        record["regex"] = (str(record["regex"][0]), str(record["regex"][1]))
    return Token(**record)


class _Tokens(Mapping[str, Token]):
    """A service's tokens, read from their records when first needed (by a form or a URL)."""

    def __init__(self, records: Mapping[str, Mapping[str, Any]]) -> None:
        # Checked here, so that a damaged catalogue is rebuilt rather than breaking a form.
        if not all(isinstance(r, dict) and isinstance(r["title"], str) for r in records.values()):
            raise TypeError("a token record is not an object")
        self._records = records
        self._tokens: dict[str, Token] | None = None

    def _built(self) -> dict[str, Token]:
        if self._tokens is None:
            self._tokens = {key: _token(record) for key, record in self._records.items()}
        return self._tokens

    def __getitem__(self, key: str) -> Token:
        return self._built()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)


def _service(raw: Mapping[str, Any]) -> Service:
    return Service(
        **{
            **raw,
            "protocols": tuple(raw["protocols"]),
            "secure_protocols": tuple(raw["secure_protocols"]),
            "templates": tuple(raw["templates"]),
            "extras": tuple((str(kind), str(prefix)) for kind, prefix in raw["extras"]),
            "tokens": _Tokens(raw["tokens"]),
            "args": _Tokens(raw["args"]),
        }
    )


def _service_record(service: Service) -> dict[str, Any]:
    record = {f.name: getattr(service, f.name) for f in fields(Service)}
    record["tokens"] = {key: _token_record(t) for key, t in service.tokens.items()}
    record["args"] = {key: _token_record(t) for key, t in service.args.items()}
    return record


def _read(path: Path, key: Mapping[str, Any]) -> list[Service] | None:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        logger.debug("The Apprise catalogue %s cannot be read (%s): rebuilding it", path, e)
        return None
    if not isinstance(document, dict) or document.get("key") != key:
        logger.debug("The Apprise catalogue %s is for another version: rebuilding it", path)
        return None
    try:
        return [_service(raw) for raw in document["services"]]
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        logger.debug("The Apprise catalogue %s is damaged (%r): rebuilding it", path, e)
        return None


def _write(path: Path, key: Mapping[str, Any], services: list[Service]) -> None:
    try:
        text = json.dumps({"key": key, "services": [_service_record(s) for s in services]})
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".apprise-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except (OSError, TypeError, ValueError) as e:
        logger.debug("The Apprise catalogue %s cannot be written: %s", path, e)


def cached_services(
    folder: Path | None = None, load: Callable[[], list[Service]] = load_services
) -> list[Service]:
    """Return Apprise's services from the catalogue in ``folder``, rebuilding it if needed.

    Args:
        folder: The cache folder (default: :func:`desktop_integrations.paths.cache_dir`).
        load: Reads the services from Apprise itself, when the catalogue cannot serve.
    """
    key = catalogue_key()
    if key is None:
        return load()
    path = (folder or paths.cache_dir()) / CATALOGUE_NAME
    services = _read(path, key)
    if services is None:
        services = load()
        _write(path, key, services)
    return services
