"""The plugins of installed distributions, listed once until something installed changes.

Listing entry points with :mod:`importlib.metadata` imports it, and the
:mod:`email` package it parses metadata with, and reads every distribution's
``entry_points.txt``: about 9 ms before the app's window can open. What it
found is kept in the user cache folder with what it was found from: the
module search path, and for each of its folders the folder's modification
time and each ``*.dist-info`` or ``*.egg-info`` folder's ``entry_points.txt``
(its modification time, or that there is none). Installing, upgrading or
removing a distribution adds or removes such a folder, which changes the
folder's time; editing an ``entry_points.txt`` changes its own. While none of
that changed, the list is read back; otherwise :mod:`importlib.metadata`
lists them again. A list taken within
:data:`~desktop_integrations.extensions.digests.SETTLE` seconds of one of
those changes is not kept (a change in the same clock tick would not show).
"""

from __future__ import annotations

import json
import logging
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

from desktop_integrations.extensions.digests import SETTLE
from desktop_integrations.json_file import write_json

logger = logging.getLogger(__name__)

_VERSION = 1
_METADATA_SUFFIXES = (".dist-info", ".egg-info")


class InstalledEntryPoint(NamedTuple):
    """An entry point of an installed distribution, not yet loaded.

    Attributes:
        name: The entry point's name.
        value: What it names: ``module`` or ``module:attribute``.
        group: Its group.
        dist_name: The distribution's name (None if not known).
        dist_version: The distribution's version (None if not known).
    """

    name: str
    value: str
    group: str
    dist_name: str | None = None
    dist_version: str | None = None

    @property
    def module(self) -> str:
        """The module it is in."""
        return self.value.partition(":")[0].strip()

    def load(self) -> Any:
        """Import the module and return what the entry point names."""
        import importlib.metadata

        return importlib.metadata.EntryPoint(self.name, self.value, self.group).load()


def find_entry_points(group: str, cache: Path) -> list[InstalledEntryPoint]:
    """Return the installed distributions' entry points of ``group``, sorted by name.

    Args:
        group: The entry-point group.
        cache: The file that remembers the last list and what it was found from.
    """
    if _other_finders():
        return _listed(group)
    state = _state(sys.path)
    try:
        document = json.loads(cache.read_text(encoding="utf-8"))
        known = (document["version"], document["group"], document["state"])
        if known == (_VERSION, group, state):
            return [InstalledEntryPoint(**entry) for entry in document["entry_points"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # none yet, or unreadable: listed again below
    found = _listed(group)
    if not _recent(state):
        document = {
            "version": _VERSION,
            "group": group,
            "state": state,
            "entry_points": [entry_point._asdict() for entry_point in found],
        }
        try:
            write_json(cache, document)
        except OSError as e:
            logger.warning("Cannot write the entry-point cache %s: %s", cache, e)
    return found


def _listed(group: str) -> list[InstalledEntryPoint]:
    import importlib.metadata

    found = []
    for entry_point in importlib.metadata.entry_points(group=group):
        dist = entry_point.dist
        found.append(
            InstalledEntryPoint(
                entry_point.name,
                entry_point.value,
                entry_point.group,
                dist.name if dist is not None else None,
                dist.version if dist is not None else None,
            )
        )
    return sorted(found, key=lambda entry_point: entry_point.name)


def _other_finders() -> bool:
    """Whether a finder other than the ones reading the module search path lists distributions.

    The standard path finder and ``importlib_metadata``'s (which another
    library may have installed) both list the distributions in the folders
    of ``sys.path``, which :func:`_state` covers.
    """
    return any(
        hasattr(finder, "find_distributions")
        and getattr(finder, "__name__", type(finder).__name__)
        not in ("PathFinder", "MetadataPathFinder")
        for finder in sys.meta_path
    )


def _state(search_path: list[str]) -> list[Any]:
    """What the list of entry points depends on, as JSON-ready lists."""
    state: list[Any] = []
    for entry in search_path:
        folder = entry or "."
        try:
            status = os.stat(folder)
        except OSError:
            state.append([entry, None])
            continue
        metadata: list[Any] = []
        if stat.S_ISDIR(status.st_mode):
            try:
                with os.scandir(folder) as listing:
                    names = sorted(e.name for e in listing if e.name.endswith(_METADATA_SUFFIXES))
            except OSError:
                names = []
            for name in names:
                try:
                    changed = os.stat(os.path.join(folder, name, "entry_points.txt")).st_mtime_ns
                except OSError:
                    changed = None
                metadata.append([name, changed])
        state.append([entry, status.st_mtime_ns, metadata])
    return state


def _recent(state: list[Any]) -> bool:
    """Whether any time in ``state`` is within the last few seconds."""
    # As the plugin digests: a change this recent might share the clock tick of one to come.
    settled = time.time_ns() - int(SETTLE * 1e9)
    times = [item[1] for item in state]
    times += [changed for item in state if len(item) > 2 for _name, changed in item[2]]
    return any(changed is not None and changed > settled for changed in times)
