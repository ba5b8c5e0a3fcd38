"""Probing: a new or changed plugin is imported in a child process first.

A plugin that hangs, ends the interpreter (``os._exit()``, a segfault) or runs
past the time limit while it is imported would take the app down with it.
Imported first in a child process (the same interpreter and module search
path), it only takes the child. The verdict is cached by the plugin's
fingerprint, so an unchanged plugin is not probed again; several plugins are
probed in parallel.

A plugin whose import merely raises passes the probe: importing it into the
app raises the same exception, which is then reported with its traceback.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_integrations.__about__ import __version__
from desktop_integrations.extensions.discovery import PluginSource, printable
from desktop_integrations.json_file import write_json

if TYPE_CHECKING:
    import subprocess

logger = logging.getLogger(__name__)

#: Seconds a plugin may take to import in the probe, unless configured.
DEFAULT_TIMEOUT = 5.0
#: The environment variable that sets the time limit, in seconds.
TIMEOUT_VARIABLE = "DESKTOP_INTEGRATIONS_PROBE_TIMEOUT"
#: The most probes run at once.
MAX_PARALLEL = 8
#: How much of the child's standard error a report keeps (the crash's traceback).
_DETAILS_LIMIT = 4000

# Run by the child: import the plugin as the app would, then say so by writing
# a file. os._exit() skips the plugin's atexit handlers and threads.
_CHILD = """
import faulthandler, json, os, sys
request = json.loads(sys.stdin.read())
sys.path[:] = request["sys_path"]
faulthandler.enable()
from pathlib import Path
from desktop_integrations.extensions.discovery import PluginKind, PluginSource
from desktop_integrations.extensions.loader import import_plugin
source = PluginSource(request["name"], PluginKind.FOLDER, Path(request["path"]))
try:
    import_plugin(source)
except BaseException:
    pass
with open(request["done"], "w") as stream:
    stream.write("imported")
os._exit(0)
"""


@dataclass(frozen=True)
class Verdict:
    """What the probe found.

    Attributes:
        ok: Whether the plugin finished importing in the child process.
        reason: Why not, completing "it ..." ("did not finish importing within 5 s").
        details: The end of the child's standard error, such as the Python
            stack at a crash.
    """

    ok: bool
    reason: str = ""
    details: str = ""


def probe_timeout() -> float:
    """Return the time limit: ``$DESKTOP_INTEGRATIONS_PROBE_TIMEOUT`` or the default."""
    value = os.environ.get(TIMEOUT_VARIABLE, "")
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
        if not 0 < seconds < 3600:
            raise ValueError(value)
    except ValueError:
        logger.warning(
            "%s=%r is not a number of seconds; using %g", TIMEOUT_VARIABLE, value, DEFAULT_TIMEOUT
        )
        return DEFAULT_TIMEOUT
    return seconds


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the child and whatever it started."""
    import signal

    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except OSError:
        pass
    process.wait()


def _describe_exit(status: int) -> str:
    import signal

    if status < 0:
        try:
            name = f" ({signal.Signals(-status).name})"
        except ValueError:
            name = ""
        return f"crashed the interpreter while importing: signal {-status}{name}"
    return (
        f"ended the interpreter while importing (exit status {status}, as os._exit() "
        f"does), which would have closed the app"
    )


def probe(source: PluginSource, timeout: float) -> Verdict:
    """Import a folder plugin in a child process and say how it went."""
    # Imported here, as the thread pool below: only a new or changed plugin
    # is probed, and the app's window opens without them.
    import subprocess

    assert source.path is not None
    with tempfile.TemporaryDirectory(prefix="desktop-integrations-probe-") as folder:
        done = Path(folder, "done")
        request = {
            "sys_path": sys.path,
            "name": source.name,
            "path": str(source.path),
            "done": str(done),
        }
        with open(Path(folder, "stderr"), "w+b") as stderr:
            try:
                process = subprocess.Popen(
                    [sys.executable, "-c", _CHILD],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    cwd=folder,
                    start_new_session=os.name == "posix",
                )
            except OSError as e:
                return Verdict(False, f"could not be checked: no child process started ({e})")
            try:
                process.communicate(json.dumps(request).encode(), timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill(process)
                return Verdict(
                    False,
                    f"did not finish importing within {timeout:g} s (set "
                    f"{TIMEOUT_VARIABLE} to allow a slow plugin more time)",
                )
            stderr.seek(0)
            details = stderr.read().decode("utf-8", "replace")[-_DETAILS_LIMIT:]
        if done.exists():
            return Verdict(True)
        return Verdict(False, _describe_exit(process.returncode or 0), details)


class ProbeCache:
    """Verdicts by plugin path, valid while the plugin's fingerprint is unchanged.

    Args:
        path: The JSON file holding them (in the user cache folder).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, dict[str, object]] = {}
        self._dirty = False
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and loaded.get("version") == 1:
                self._entries = dict(loaded.get("verdicts", {}))
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as e:
            logger.warning("Ignoring the plugin probe cache %s: %s", path, e)

    # The verdict holds for this interpreter and this version of the app only.
    _prefix = f"{sys.executable}\0{sys.version}\0{__version__}\0"

    def _key(self, digest: str) -> str:
        return self._prefix + digest

    def get(self, source: PluginSource, digest: str | None) -> Verdict | None:
        """Return the cached verdict, or None if there is none for this fingerprint."""
        entry = self._entries.get(printable(source.path))
        if digest is None or not isinstance(entry, dict) or entry.get("key") != self._key(digest):
            return None
        return Verdict(
            bool(entry.get("ok")), str(entry.get("reason", "")), str(entry.get("details", ""))
        )

    def put(self, source: PluginSource, digest: str | None, verdict: Verdict) -> None:
        """Remember a verdict; a plugin without a fingerprint is not cached."""
        if digest is None:
            return
        self._entries[printable(source.path)] = {"key": self._key(digest), **asdict(verdict)}
        self._dirty = True

    def save(self) -> None:
        """Write the verdicts, if any changed; a failure is logged, never raised."""
        if not self._dirty:
            return
        try:
            write_json(self.path, {"version": 1, "verdicts": self._entries})
            self._dirty = False
        except OSError as e:
            logger.warning("Cannot write the plugin probe cache %s: %s", self.path, e)


def probe_plugins(
    sources: Sequence[tuple[PluginSource, str | None]],
    cache: ProbeCache,
    timeout: float,
    *,
    fresh: bool = False,
) -> dict[str, Verdict]:
    """Probe folder plugins in parallel, reusing cached verdicts.

    Args:
        sources: The plugins and their fingerprints.
        cache: The verdicts of earlier probes; the new ones are added.
        timeout: Seconds each plugin may take to import.
        fresh: Probe every plugin again, whatever the cache says.

    Returns:
        The verdict for each plugin, by name.
    """
    verdicts: dict[str, Verdict] = {}
    todo: list[tuple[PluginSource, str | None]] = []
    for source, digest in sources:
        cached = None if fresh else cache.get(source, digest)
        if cached is not None:
            verdicts[source.name] = cached
        else:
            todo.append((source, digest))
    if len(todo) == 1:
        results = [probe(todo[0][0], timeout)]
    elif todo:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(MAX_PARALLEL, len(todo))) as pool:
            results = list(pool.map(lambda item: probe(item[0], timeout), todo))
    else:
        results = []
    for (source, digest), verdict in zip(todo, results, strict=True):
        verdicts[source.name] = verdict
        if not verdict.reason.startswith("could not be checked"):
            logger.debug("Probed %s: %s", printable(source.path), verdict.reason or "ok")
            cache.put(source, digest, verdict)
    cache.save()
    return verdicts
