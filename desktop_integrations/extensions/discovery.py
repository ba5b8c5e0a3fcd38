"""Finding plugins: built-in ones, installed distributions' entry points, plugins folders.

A plugin from a plugins folder is a ``.py`` module or a package folder. Before
it is imported, :func:`check_folder_plugin` refuses one that other users could
have changed (as ssh's StrictModes refuses a key file), and
:func:`fingerprint` lets a rescan tell whether it changed.
"""

from __future__ import annotations

import enum
import errno
import importlib
import logging
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import NamedTuple

from desktop_integrations import paths
from desktop_integrations.errors import IntegrationError
from desktop_integrations.extensions.digests import DigestCache
from desktop_integrations.extensions.entry_points import InstalledEntryPoint, find_entry_points
from desktop_integrations.naming import PLUGIN_PACKAGE

logger = logging.getLogger(__name__)

#: The package holding the built-in plugins, one module or package each.
BUILTIN_PACKAGE = "desktop_integrations.plugins"
#: The entry-point group installed distributions list their extensions in.
ENTRY_POINT_GROUP = "desktop_integrations.extensions"
#: The file in the user cache folder that remembers the installed entry points.
ENTRY_POINT_CACHE = "entry-points.json"
#: The manifest file inside a package plugin.
PACKAGE_MANIFEST = "manifest.json"
#: The suffix of a module plugin's manifest, beside it: ``<name>.manifest.json``.
MODULE_MANIFEST_SUFFIX = ".manifest.json"


def printable(value: str | Path | None) -> str:
    r"""Return a path or name as text that can be printed and shown anywhere.

    A file name that is not UTF-8 reaches Python with surrogate escapes, which
    neither a terminal nor Qt can show; its odd bytes become ``\xe9`` escapes.
    """
    if value is None:
        return ""
    return os.fsencode(value).decode("utf-8", "backslashreplace")


class PluginKind(enum.Enum):
    """Where a plugin comes from."""

    BUILTIN = "built-in"
    ENTRY_POINT = "entry point"
    FOLDER = "plugins folder"


class PluginRefusedError(IntegrationError):
    """A plugin was not loaded: it is unsafe or malformed, and none of its code ran."""


class PluginSource(NamedTuple):
    """A plugin found by discovery, not yet imported.

    Attributes:
        name: The module or folder name, or the entry point's name.
        kind: Where the plugin comes from.
        path: The module file or package folder (None for an entry point).
        entry_point: The entry point, for plugins from installed distributions.
    """

    name: str
    kind: PluginKind
    path: Path | None = None
    entry_point: InstalledEntryPoint | None = None

    @property
    def module_name(self) -> str:
        """The name the plugin's module is imported under."""
        if self.kind is PluginKind.FOLDER:
            return f"{PLUGIN_PACKAGE}.{self.name}"
        if self.entry_point is not None:
            return self.entry_point.module
        return f"{BUILTIN_PACKAGE}.{self.name}"

    def describe(self) -> str:
        """Name the plugin and where it comes from, for messages."""
        if self.path is not None:
            return f"Plugin {printable(self.name)!r} ({printable(self.path)})"
        if self.entry_point is not None:
            ep = self.entry_point
            origin = f" of {ep.dist_name} {ep.dist_version}" if ep.dist_name is not None else ""
            return f"Plugin {self.name!r} (entry point {self.entry_point.value!r}{origin})"
        return f"Built-in plugin {self.name!r}"


def find_builtin_plugins() -> list[PluginSource]:
    """Return the modules and packages of the built-in plugins package, by name.

    They are found as a plugins folder's are (the package is a folder: the
    app reads its icons from files); ``pkgutil`` would cost 0.5 ms of start-up.
    """
    package = importlib.import_module(BUILTIN_PACKAGE)
    names: set[str] = set()
    for folder in package.__path__:
        with os.scandir(folder) as listing:
            names.update(name for name in map(_module_name, listing) if name is not None)
    return [PluginSource(name, PluginKind.BUILTIN) for name in sorted(names)]


def find_entry_point_plugins() -> list[PluginSource]:
    """Return the entry points of the ``desktop_integrations.extensions`` group."""
    return [
        PluginSource(ep.name, PluginKind.ENTRY_POINT, entry_point=ep)
        for ep in find_entry_points(ENTRY_POINT_GROUP, paths.cache_dir() / ENTRY_POINT_CACHE)
    ]


class PluginFiles(NamedTuple):
    """A folder plugin's files as one look at the plugins folder saw them.

    Attributes:
        files: Each file and folder of the plugin with its status, the module
            file or package folder first, then (for a package) everything in
            it but hidden names, ``__pycache__`` and ``.pyc`` files.
        folder: The status of the plugins folder holding it.
        manifest: Its manifest file (see
            :mod:`~desktop_integrations.extensions.manifest`), if it has one.
        since: ``time.time_ns()`` from before the statuses were taken.
    """

    files: tuple[tuple[Path, os.stat_result], ...]
    folder: os.stat_result
    manifest: Path | None
    since: int


def _package_files(folder: Path) -> Iterator[tuple[Path, os.stat_result]]:
    with os.scandir(folder) as listing:
        entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    for entry in entries:
        if entry.is_dir():
            if entry.name == "__pycache__":
                continue
            yield Path(entry.path), entry.stat()
            if not entry.is_symlink():
                yield from _package_files(Path(entry.path))
        elif not entry.name.endswith(".pyc"):
            yield Path(entry.path), entry.stat()


def _module_name(entry: os.DirEntry[str]) -> str | None:
    """The plugin module a folder's entry is: a package folder or a ``.py`` file, else None.

    Names starting with ``_`` or ``.`` are none, and so are folders without
    an ``__init__.py``.

    Raises:
        OSError: The entry cannot be looked at (a symlink loop, say).
    """
    name = entry.name
    if name.startswith(("_", ".")):
        return None
    if entry.is_dir():
        return name if os.path.isfile(os.path.join(entry.path, "__init__.py")) else None
    return name[:-3] if name.endswith(".py") and entry.is_file() else None


def _listing(folder: Path, since: int) -> Iterator[tuple[PluginSource, PluginFiles | OSError]]:
    folder_stat = folder.stat()
    with os.scandir(folder) as listing:
        entries = {e.name: e for e in listing}
    for name in sorted(entries):
        entry = entries[name]
        try:
            module = _module_name(entry)
        except OSError as e:  # a symlink loop, say: that entry only
            logger.warning("Cannot read %s: %s", printable(entry.path), e)
            continue
        if module is None:
            continue
        # A name that is not UTF-8 is kept as printable text (check_folder_plugin
        # refuses it): it is a key of get_load_errors() and shown to the user.
        path = folder / name
        source = PluginSource(printable(module), PluginKind.FOLDER, path)
        files: PluginFiles | OSError
        try:
            found = [(path, entry.stat())]
            manifest = None
            if entry.is_dir():
                found.extend(_package_files(path))
                candidate = path / PACKAGE_MANIFEST
                if any(file == candidate for file, _stat in found):
                    manifest = candidate
            elif module + MODULE_MANIFEST_SUFFIX in entries:
                manifest = folder / (module + MODULE_MANIFEST_SUFFIX)
            files = PluginFiles(tuple(found), folder_stat, manifest, since)
        except OSError as e:
            files = e
        yield source, files


def scan_folder_plugins(
    folders: Sequence[Path],
) -> list[tuple[PluginSource, PluginFiles | OSError]]:
    """Return the ``.py`` modules and package folders in the plugins folders, in order.

    Each with its files as seen now, or the error that kept them from being
    seen. Names starting with ``_`` or ``.`` are skipped, and so are folders
    without an ``__init__.py`` (they may hold a single-module plugin's icons).
    A missing or unreadable plugins folder holds no plugins. Each folder is
    listed once, and each file's status taken once.
    """
    found: list[tuple[PluginSource, PluginFiles | OSError]] = []
    for folder in folders:
        try:
            found.extend(_listing(folder, time.time_ns()))
        except FileNotFoundError:
            logger.debug("The plugins folder %s does not exist", folder)
        except OSError as e:
            logger.warning("Cannot read the plugins folder %s: %s", folder, e)
    return found


def scan_folder_plugin(source: PluginSource) -> PluginFiles | OSError:
    """Look at one folder plugin's files again (to reload it)."""
    assert source.path is not None
    for found, files in scan_folder_plugins([source.path.parent]):
        if found.path == source.path:
            return files
    return FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(source.path))


def fingerprint(files: PluginFiles | OSError, digests: DigestCache) -> str | None:
    """Return a digest that changes whenever any file of a folder plugin changes.

    It covers every file's name, permissions, size and modification time, and
    the contents of the Python files, whose edits can land within one tick of
    the file system's clock (``digests`` remembers those that did not change).
    None for a plugin whose files cannot be read (loading it will say why).
    """
    if isinstance(files, OSError):
        return None
    import hashlib

    digest = hashlib.sha256()
    # Paths relative to the plugins folder: every file is inside it.
    start = len(str(files.files[0][0].parent)) + 1
    try:
        for file, stat in files.files:
            path = str(file)
            mtime = 0 if S_ISDIR(stat.st_mode) else stat.st_mtime_ns
            digest.update(os.fsencode(path[start:]))
            digest.update(f"\0{stat.st_mode}\0{stat.st_size}\0{mtime}\0".encode())
            if path.endswith(".py") and S_ISREG(stat.st_mode):
                digest.update(digests.digest(path, stat, files.since))
    except OSError:
        return None
    return digest.hexdigest()


def _refuse_name(source: PluginSource) -> None:
    assert source.path is not None
    try:
        os.fsencode(source.path.name).decode("utf-8")
    except UnicodeDecodeError:
        raise PluginRefusedError(
            f"the file name {printable(source.path.name)!r} is not valid UTF-8, so it "
            f"cannot be a Python module name; rename it with letters, digits and "
            f"underscores only"
        ) from None
    if not source.name.isidentifier():
        suggestion = "".join(c if c.isalnum() else "_" for c in source.name)
        if not suggestion.isidentifier():  # it starts with a digit
            suggestion = f"plugin_{suggestion}"
        raise PluginRefusedError(
            f"{source.name!r} is not a valid Python module name; rename it to "
            f"{suggestion!r} (letters, digits and underscores only)"
        )


def _refuse_loose(path: Path, stat: os.stat_result) -> None:
    """Refuse a path that a user other than this one (or root) owns or may write to."""
    mode = stat.st_mode & 0o777
    if stat.st_uid in (os.getuid(), 0) and not mode & 0o022:
        return
    shown = printable(path)
    if stat.st_uid not in (os.getuid(), 0):
        import pwd  # POSIX only, as this check

        try:
            owner = f"{pwd.getpwuid(stat.st_uid).pw_name} (uid {stat.st_uid})"
        except KeyError:
            owner = f"uid {stat.st_uid}"
        try:
            me = pwd.getpwuid(os.getuid()).pw_name
        except KeyError:
            me = str(os.getuid())
        raise PluginRefusedError(
            f"{shown} is owned by {owner}, neither you nor root, and loading a plugin "
            f"runs its code as you; if you trust it, take it over with: chown {me} '{shown}'"
        )
    who = "everyone" if mode & 0o002 else "its group"
    raise PluginRefusedError(
        f"{shown} can be written by {who} (mode {mode:o}), and loading a plugin "
        f"runs its code; fix it with: chmod go-w '{shown}'"
    )


def check_folder_plugin(source: PluginSource, files: PluginFiles | OSError) -> None:
    """Refuse a folder plugin that cannot be imported safely.

    Like ssh's StrictModes: the plugins folder holding the plugin, and every
    file and folder of the plugin, must be owned by the current user or root
    and writable by nobody else.

    Raises:
        PluginRefusedError: The name is not a Python identifier or not UTF-8,
            or a file or folder of the plugin, or the plugins folder, belongs
            to another user or can be written by other users, who could then
            make the app run their code. The message names the path and the fix.
    """
    assert source.path is not None
    _refuse_name(source)
    if os.name != "posix":  # Windows has ACLs; st_mode does not say who may write
        return
    if isinstance(files, OSError):
        raise PluginRefusedError(
            f"cannot check {printable(files.filename)}: {files.strerror}"
        ) from files
    _refuse_loose(source.path.parent, files.folder)
    for file, stat in files.files:
        _refuse_loose(file, stat)
