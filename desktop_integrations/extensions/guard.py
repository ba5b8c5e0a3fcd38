"""The crash guard: a plugin that crashed the app is skipped at the next start.

Each process keeps a journal in the crash-guard folder: "loading X" before a
plugin is imported or enabled and "X loaded" after, and, where the process
asked for it, the Python stack that :mod:`faulthandler` writes at a fatal
signal (a segfault in a hook or a timer). The journal is locked while its
process lives and deleted when it shuts down. At the next start, a journal
whose lock is free belonged to a process that died: the plugin named by the
innermost plugin frame of its crash stack, or else the plugin it was loading,
is recorded as having crashed the app, and skipped until the user tries it
again or its files change.

Markers are written straight to the file (no buffer), so they survive the
process however it ends. On a platform without ``fcntl`` the guard is off.
"""

from __future__ import annotations

import faulthandler
import json
import logging
import os
import re
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import IO, NamedTuple

from desktop_integrations.extensions.discovery import PluginSource

logger = logging.getLogger(__name__)

#: A frame of a stack dump (compiled by re when first used, not at start-up).
_FRAME = r'^\s*File "(?P<file>.*)", line (?P<line>\d+) in (?P<func>.*)$'


class Crash(NamedTuple):
    """A plugin that crashed the app.

    Attributes:
        date: When the crashed process was found dead (local time).
        how: What it was doing ("while loading", "at signal 11 in on_event, line 4").
        fingerprint: The plugin's fingerprint then; a changed plugin is tried again.
    """

    date: datetime
    how: str
    fingerprint: str | None = None

    def message(self, source: PluginSource) -> str:
        """The report for :meth:`ExtensionManager.get_load_errors`."""
        return (
            f"{source.describe()} is disabled: it crashed the app on "
            f"{self.date:%Y-%m-%d %H:%M} ({self.how}). Use Try Again on the Plugins "
            f"page to load it again."
        )


def _blame(text: str) -> tuple[str, str, str | None] | None:
    """Return ``(plugin name, how, fingerprint)`` of the plugin a dead process's journal blames."""
    paths: dict[str, str] = {}
    digests: dict[str, str] = {}
    open_plugins: list[str] = []
    stack: list[str] = []
    for line in text.splitlines():
        parts = line.split("\t")
        if parts[0] == "loading" and len(parts) == 3:
            paths[parts[1]] = parts[2]
            open_plugins.append(parts[1])
        elif parts[0] == "digest" and len(parts) == 3:
            digests[parts[1]] = parts[2]
        elif parts[0] == "loaded" and len(parts) >= 2 and parts[1] in open_plugins:
            open_plugins.remove(parts[1])
        elif line.startswith("Fatal Python error"):
            stack = [line]
        elif stack:
            stack.append(line)
    signal = stack[0].partition(":")[2].strip() if stack else ""
    for line in stack:
        match = re.match(_FRAME, line)
        if match is None:
            continue
        file = match["file"]
        for name, path in paths.items():
            if path and (file == path or file.startswith(path + os.sep)):
                how = f"{signal or 'a fatal error'} in {match['func']}(), {Path(file).name}, "
                return name, how + f"line {match['line']}", digests.get(name)
    if open_plugins:
        name = open_plugins[-1]
        how = f"{signal} while loading it" if signal else "the app ended while loading it"
        return name, how, digests.get(name)
    return None


class CrashGuard:
    """Records which plugin the process is loading, and remembers crashes.

    Args:
        folder: The crash-guard folder (in the data folder).
        watch_faults: Also record the Python stack at a fatal signal, with
            :mod:`faulthandler`; the command line and the app do.
    """

    def __init__(self, folder: Path, *, watch_faults: bool = False) -> None:
        self.folder = folder
        self.watch_faults = watch_faults
        self._journal: IO[bytes] | None = None
        self._started = False
        self._faults_were_watched = False
        self._crashes: dict[str, Crash] = {}
        # How deep each plugin's loading() calls are nested, by name.
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    @property
    def _crashes_file(self) -> Path:
        return self.folder / "crashed.json"

    def start(self) -> None:
        """Read the journals of dead processes, then open this process's journal."""
        if self._started:
            return
        try:
            # Imported here: with the built-in plugins alone, the guard starts
            # when they are imported, after the app's window is ready.
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return
        self._started = True
        self._crashes = self._read_crashes()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            found = self._examine_dead_journals()
            journal = open(self.folder / f"{os.getpid()}.journal", "ab", buffering=0)  # noqa: SIM115
            fcntl.flock(journal.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            logger.warning("The plugin crash guard is off: cannot use %s: %s", self.folder, e)
            return
        self._journal = journal
        if found:
            self._write_crashes()
        if self.watch_faults:
            self._faults_were_watched = faulthandler.is_enabled()
            faulthandler.enable(journal, all_threads=True)

    def _examine_dead_journals(self) -> bool:
        import fcntl  # start() imported it

        found = False
        for path in sorted(self.folder.glob("*.journal")):
            with open(path, "rb") as stream:
                try:
                    fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    continue  # its process is still running
                text = stream.read().decode("utf-8", "surrogateescape")
                blamed = _blame(text)
                if blamed is not None:
                    name, how, digest = blamed
                    stamp = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
                    self._crashes[name] = Crash(stamp, how, digest)
                    logger.error("Plugin %r crashed the app (%s); it is disabled", name, how)
                    found = True
                path.unlink()
        return found

    def _read_crashes(self) -> dict[str, Crash]:
        try:
            stored = json.loads(self._crashes_file.read_text(encoding="utf-8"))
            return {
                name: Crash(datetime.fromisoformat(e["date"]), e["how"], e["fingerprint"])
                for name, e in stored.items()
            }
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            logger.warning("Ignoring %s: %s", self._crashes_file, e)
            return {}

    def _write_crashes(self) -> None:
        stored = {
            name: {"date": c.date.isoformat(), "how": c.how, "fingerprint": c.fingerprint}
            for name, c in self._crashes.items()
        }
        temporary = self._crashes_file.with_suffix(f".{os.getpid()}.tmp")
        try:
            temporary.write_text(json.dumps(stored, indent=1), encoding="utf-8")
            os.replace(temporary, self._crashes_file)
        except OSError as e:
            logger.warning("Cannot write %s: %s", self._crashes_file, e)

    def crash(self, source: PluginSource, digest: str | None) -> Crash | None:
        """Return the crash that disabled this plugin, or None if it may load.

        A folder plugin whose files changed since the crash may load again.
        """
        self.start()
        crash = self._crashes.get(source.name)
        if crash is not None and digest is not None and crash.fingerprint not in (None, digest):
            self.forgive(source.name)
            return None
        return crash

    def forgive(self, name: str) -> None:
        """Let a plugin that crashed the app load again."""
        if self._crashes.pop(name, None) is not None:
            self._write_crashes()

    def _mark(self, *lines: tuple[str, ...]) -> None:
        """Append lines of tab-separated fields to the journal, in one write."""
        if self._journal is not None:
            text = "".join(
                "\t".join(field.replace("\t", " ").replace("\n", " ") for field in fields) + "\n"
                for fields in lines
            )
            try:
                self._journal.write(text.encode("utf-8", "surrogateescape"))
            except OSError as e:
                logger.debug("Cannot write the crash-guard journal: %s", e)

    def loading(self, source: PluginSource, digest: str | None) -> None:
        """Record that the process starts running a plugin's code (import or enable).

        Calls nest: only the outermost ``loading()`` and ``loaded()`` of a
        plugin are written (importing a plugin enables its extensions).
        """
        self.start()
        with self._lock:
            depth = self._running.get(source.name, 0)
            self._running[source.name] = depth + 1
        if depth:
            return
        path = str(source.path) if source.path is not None else ""
        if digest is None:
            self._mark(("loading", source.name, path))
        else:
            self._mark(("loading", source.name, path), ("digest", source.name, digest))

    def loaded(self, source: PluginSource) -> None:
        """Record that the plugin's code returned."""
        with self._lock:
            depth = self._running.pop(source.name, 1) - 1
            if depth:
                self._running[source.name] = depth
        if not depth:
            self._mark(("loaded", source.name))

    def close(self) -> None:
        """Delete this process's journal: it ended cleanly."""
        journal, self._journal = self._journal, None
        self._running.clear()
        if journal is None:
            return
        if self.watch_faults:
            faulthandler.disable()
            if self._faults_were_watched and sys.stderr is not None:
                faulthandler.enable()
        try:
            os.unlink(journal.name)
        except OSError as e:
            logger.debug("Cannot remove the crash-guard journal: %s", e)
        journal.close()
        self._started = False
