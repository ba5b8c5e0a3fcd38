"""What a plugin must pass before any of its code runs in the app.

A folder plugin is checked for safety (:func:`check_folder_plugin`: its name,
owner and permissions), then against the crash guard (it did not crash the
app before), then probed (it imports in a child process within the time
limit). A plugin of an installed distribution only meets the crash guard, and
a built-in plugin none of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from desktop_integrations import paths
from desktop_integrations.extensions.discovery import (
    PluginFiles,
    PluginKind,
    PluginRefusedError,
    PluginSource,
    check_folder_plugin,
)
from desktop_integrations.extensions.guard import CrashGuard
from desktop_integrations.extensions.load_error import LoadError

if TYPE_CHECKING:
    from desktop_integrations.extensions.probe import ProbeCache

#: Seconds an extension's shutdown() may take before the app goes on without it.
SHUTDOWN_TIMEOUT = 5.0


class Gate:
    """Decides which plugins may be imported.

    Args:
        guard: The crash guard.
        timeout: Seconds a plugin may take to import in the probe; None:
            :func:`~desktop_integrations.extensions.probe.probe_timeout`.

    Attributes:
        guard: The crash guard, which also records what is being loaded.
    """

    def __init__(self, guard: CrashGuard, timeout: float | None = None) -> None:
        self.guard = guard
        self.timeout = timeout
        self._cache: ProbeCache | None = None

    def screen(
        self,
        sources: Sequence[tuple[PluginSource, str | None]],
        files: Mapping[str, PluginFiles | OSError] | None = None,
        *,
        fresh: bool = False,
    ) -> dict[str, LoadError]:
        """Return, by plugin name, why each plugin that must not be imported must not.

        Args:
            sources: The plugins and their fingerprints.
            files: The folder plugins' files as discovery saw them, by name.
            fresh: Probe again even the plugins whose verdict is cached.
        """
        problems: dict[str, LoadError] = {}
        to_probe: list[tuple[PluginSource, str | None]] = []
        for source, digest in sources:
            if source.kind is PluginKind.BUILTIN:
                continue
            try:
                if source.kind is PluginKind.FOLDER:
                    check_folder_plugin(source, (files or {})[source.name])
            except PluginRefusedError as e:
                problems[source.name] = LoadError.from_exception(source, "was not loaded", e)
                continue
            crash = self.guard.crash(source, digest)
            if crash is not None:
                problems[source.name] = LoadError(
                    source.name, crash.message(source), path=source.path, crashed=True
                )
            elif source.kind is PluginKind.FOLDER:
                to_probe.append((source, digest))
        if to_probe:
            # Imported here: with no folder plugin, nothing is probed.
            from desktop_integrations.extensions.probe import (
                ProbeCache,
                probe_plugins,
                probe_timeout,
            )

            if self._cache is None:
                self._cache = ProbeCache(paths.cache_dir() / "plugin-probes.json")
            timeout = self.timeout if self.timeout is not None else probe_timeout()
            verdicts = probe_plugins(to_probe, self._cache, timeout, fresh=fresh)
            for source, _digest in to_probe:
                verdict = verdicts[source.name]
                if not verdict.ok:
                    message = f"{source.describe()} was not loaded: it {verdict.reason}"
                    problems[source.name] = LoadError(
                        source.name, message, verdict.details, source.path
                    )
        return problems

    @contextmanager
    def running(self, source: PluginSource, digest: str | None) -> Iterator[None]:
        """Mark a third-party plugin's code as running (import or enable) for the crash guard."""
        if source.kind is PluginKind.BUILTIN:
            yield
            return
        self.guard.loading(source, digest)
        try:
            yield
        finally:
            self.guard.loaded(source)
