"""ExtensionManager: loads plugins, runs their extensions, and contains their failures.

A plugin that fails in any way (a syntax error, an import error, an exception
or ``sys.exit()`` while importing or in ``initialize()``, a duplicate or
invalid integration) is recorded as a :class:`LoadError` for that plugin and
logged; every other plugin and the app keep working. Before a folder plugin is
imported, it must pass the safety check (owner and permissions), the crash
guard (it did not crash the app last time) and the probe (it imports in a
child process within the time limit).

Finding, screening and taking plugins on is in
:mod:`~desktop_integrations.extensions.intake`, starting and stopping their
extensions in :mod:`~desktop_integrations.extensions.running`; this module
imports plugins and holds the public methods. It sends ``extension_enabled``,
``extension_disabled`` and ``extensions_changed`` (see
:mod:`desktop_integrations.signals`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_integrations import paths
from desktop_integrations.extensions.bytecode import BytecodeCache
from desktop_integrations.extensions.gate import SHUTDOWN_TIMEOUT, Gate
from desktop_integrations.extensions.guard import CrashGuard
from desktop_integrations.extensions.intake import ExtensionNotFoundError, PluginIntake
from desktop_integrations.extensions.load_error import LoadError
from desktop_integrations.extensions.running import Plugin, RunningExtensions
from desktop_integrations.manager import IntegrationManager
from desktop_integrations.signals import extensions_changed, send_safely

if TYPE_CHECKING:
    # Imported where used: the import worker is not needed before the app's window is ready.
    from desktop_integrations.extensions.background import ImportJob, ImportWorker

logger = logging.getLogger(__name__)


class ExtensionManager(PluginIntake):
    """Loads plugins and enables or disables the extensions they define.

    Args:
        integration_manager: The manager extensions register integrations with;
            its store keeps which extensions the user disabled.
        plugin_dirs: The user plugins folders. None means the default folder
            (:func:`~desktop_integrations.paths.plugins_dir`, created if missing).
        safe_mode: Load only the built-in plugins, skipping plugins folders
            and installed distributions.
        probe_timeout: Seconds a folder plugin may take to import in the probe;
            None: ``$DESKTOP_INTEGRATIONS_PROBE_TIMEOUT``, else 5.
        shutdown_timeout: Seconds each extension's ``shutdown()`` may take.
        watch_faults: Record the Python stack at a fatal signal, so that the
            plugin that crashed the app is known at the next start.

    A plugin with a manifest (see :mod:`~desktop_integrations.extensions.manifest`)
    has its integrations listed by :meth:`discover` without being imported;
    it is imported when one of its configurations is enabled, when one of
    its integrations is asked for (its dialog opens), or by :meth:`load`.

    Attributes:
        plugin_dirs: The user plugins folders, in the order they are searched.
        safe_mode: Whether third-party plugins are skipped.
        import_count: How many times a plugin was imported; a rescan that
            finds nothing changed imports nothing.
    """

    def __init__(
        self,
        integration_manager: IntegrationManager,
        plugin_dirs: Sequence[str | Path] | None = None,
        *,
        safe_mode: bool = False,
        probe_timeout: float | None = None,
        shutdown_timeout: float = SHUTDOWN_TIMEOUT,
        watch_faults: bool = False,
    ) -> None:
        self.integration_manager = integration_manager
        self.safe_mode = safe_mode
        self.shutdown_timeout = shutdown_timeout
        self.gate = Gate(
            CrashGuard(paths.data_dir() / "crash-guard", watch_faults=watch_faults), probe_timeout
        )
        if plugin_dirs is None:
            default = paths.plugins_dir()
            try:
                default.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                logger.warning("Cannot create the plugins folder %s: %s", default, e)
            plugin_dirs = [default]
        self.plugin_dirs = [Path(folder).expanduser().absolute() for folder in plugin_dirs]
        self.import_count = 0
        self.bytecode = BytecodeCache.default()
        self.digests = self.bytecode.digests
        self._loaded = False
        # Plugins to import: without a manifest (their integrations are not
        # listed until then), and with one but an enabled configuration.
        self._to_list: list[str] = []
        self._to_start: list[str] = []
        self._enabled_ids: set[str] | None = None
        self._plugins: dict[str, Plugin] = {}
        self._running = RunningExtensions(integration_manager, self.gate, shutdown_timeout)
        self._duplicates: dict[str, LoadError] = {}
        self._folder_duplicates: dict[str, LoadError] = {}
        # Imports under way, in the order their plugins register; those that only
        # start integrations are held back until the listing is complete.
        self._jobs: dict[str, ImportJob[Plugin]] = {}
        self._held: list[ImportJob[Plugin]] = []
        self._worker: ImportWorker | None = None

    # Loading ---------------------------------------------------------------

    def load(self) -> None:
        """Load and import every plugin: built-in ones, installed ones, the plugins folders.

        Calling it again does a :meth:`rescan`.
        """
        if self._loaded:
            self.rescan()
            return
        self.discover()
        with self.integration_manager.registering():
            for name in list(self._plugins):
                self._import(name)
        send_safely(extensions_changed, self)

    @property
    def pending(self) -> tuple[str, ...]:
        """The names of the plugins waiting for :meth:`import_next`, in order."""
        return (*self._to_list, *self._to_start)

    @property
    def listing_complete(self) -> bool:
        """Whether every plugin's integrations are listed (registered or declared)."""
        return not self._to_list

    def import_next(self) -> bool:
        """Import the next plugin in :attr:`pending`; return whether more remain.

        Sends ``extensions_changed`` once every plugin's integrations are
        listed, and again once the last one is imported.
        """
        queue = self._to_list or self._to_start
        if queue:
            listing = queue is self._to_list
            self._import(queue[0])
            if not self.pending or (listing and not self._to_list):
                send_safely(extensions_changed, self)
        return bool(self.pending)

    def import_in_background(self, ready: Callable[[], None]) -> bool:
        """Import the plugins in :attr:`pending` on a worker thread; return whether any.

        Their modules' code runs on the worker; registering them (their
        ``initialize()``) waits for :meth:`finish_imports`, on this thread.
        Those needed only to start integrations (their manifest lists them)
        follow a moment after the listing is complete, which the owner can
        then show without them competing for the interpreter lock.

        Args:
            ready: Called, from the worker thread, when imported plugins wait
                for :meth:`finish_imports` (once until that is called). It must
                only schedule that call on this thread, as a queued signal does.
        """
        self.discover()
        self.gate.guard.start()  # here: the two threads must not both open its journal
        if self._worker is None:
            from desktop_integrations.extensions.background import ImportWorker

            self._worker = ImportWorker(self.gate, ready)
        self._worker.ready = ready
        listing = set(self._to_list)
        plugins = [self._plugins[name] for name in self.pending]
        jobs = [self._new_job(plugin) for plugin in plugins if not plugin.imported]
        self._worker.submit(job for job in jobs if job.source.name in listing)
        self._held.extend(job for job in jobs if job.source.name not in listing)
        self._release_held(delay=0.0)  # nothing left to list: no need to wait
        return bool(self._jobs)

    def _release_held(self, delay: float | None = None) -> None:
        """Import the held jobs in the background, ``delay`` s after the listing is complete.

        The delay is by default the import worker's
        :data:`~desktop_integrations.extensions.background.ANNOUNCE_INTERVAL`.
        """
        if self._held and self.listing_complete and self._worker is not None:
            if delay is None:
                from desktop_integrations.extensions.background import ANNOUNCE_INTERVAL

                delay = ANNOUNCE_INTERVAL
            held, self._held = self._held, []
            self._worker.submit(held, delay)

    def finish_imports(self, budget: float = 0.015) -> bool:
        """Register the plugins imported in the background, in order, for about ``budget`` s.

        Sends ``extensions_changed`` as :meth:`import_next` does. If imported
        plugins are left waiting, ``ready`` is called again.

        Returns:
            Whether plugins are still being imported or waiting to be registered.
        """
        if self._worker is None:
            return False
        self._worker.acknowledge()
        listed = self.listing_complete
        deadline = time.perf_counter() + budget
        finished = False
        with self.integration_manager.registering():
            for job in list(self._jobs.values()):
                if not job.done or (finished and time.perf_counter() > deadline):
                    break
                self._finish(job)
                finished = True
        if finished and (not self.pending or (not listed and self.listing_complete)):
            send_safely(extensions_changed, self)
        if self._jobs and next(iter(self._jobs.values())).done:
            self._worker.announce()
        return bool(self._jobs)

    def import_declared(self, name: str) -> None:
        """Import a plugin whose manifest declared its integrations, now.

        Raises:
            ExtensionNotFoundError: No plugin has this name.
        """
        if name not in self._plugins:
            raise ExtensionNotFoundError(f"No plugin named {name!r} is loaded")
        if self._import(name):
            send_safely(extensions_changed, self)

    def _import_all(self) -> None:
        """Import every plugin not imported yet (to list its extension classes)."""
        with self.integration_manager.registering():
            imported = [name for name in list(self._plugins) if self._import(name)]
        if imported:
            send_safely(extensions_changed, self)

    def rescan(self) -> bool:
        """Load new and changed plugins in the plugins folders and unload removed ones.

        A changed plugin's extensions are shut down before its new code is
        imported. Plugins whose files did not change are not imported again.

        Returns:
            Whether anything changed.
        """
        if not self._loaded:
            self.load()
            return True
        changed = self._scan_folders()
        with self.integration_manager.registering():
            for name in [name for name in self.pending if name not in self._jobs]:
                self._import(name)  # what is needed now
        if changed:
            send_safely(extensions_changed, self)
        return changed

    def shutdown(self) -> None:
        """Shut every extension down and unload every plugin. Their states stay stored.

        A plugin still being imported in the background is waited for up to
        ``shutdown_timeout`` seconds, then left to its thread.
        """
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        for name in reversed(list(self._plugins)):
            self._unload_plugin(name)
        self.gate.guard.close()
        self.digests.save()  # what imports hashed, for the next start
        self._duplicates.clear()
        self._folder_duplicates.clear()
        self._to_list.clear()
        self._to_start.clear()
        self._held.clear()
        self._loaded = False

    def _new_job(self, plugin: Plugin) -> ImportJob[Plugin]:
        plugin.imported = True
        self.import_count += 1
        from desktop_integrations.extensions.background import ImportJob

        job = ImportJob(plugin, plugin.source, plugin.fingerprint, self.bytecode)
        self._jobs[plugin.source.name] = job
        return job

    def _import(self, name: str) -> bool:
        """Import a plugin taken on by :meth:`_load_plugin`; return whether it was imported now.

        A plugin the worker thread has not started on is imported here; one it
        is importing is waited for.
        """
        job = self._jobs.get(name)
        if job is None:
            plugin = self._plugins.get(name)
            if plugin is None or plugin.imported:
                self._dequeue(name)
                return False
            job = self._new_job(plugin)
        if job.take():
            job.run(self.gate)
            if isinstance(job.error, KeyboardInterrupt):  # Ctrl+C while importing here
                del self._jobs[name]
                self._dequeue(name)
                raise job.error
        else:
            job.wait()
        self._finish(job)
        return True

    def _finish(self, job: ImportJob[Plugin]) -> None:
        """Register what an import found (on the manager's thread: extension code runs)."""
        plugin = job.owner
        name = plugin.source.name
        if self._jobs.get(name) is job:
            del self._jobs[name]
        self._dequeue(name)
        if self._plugins.get(name) is not plugin:  # unloaded meanwhile
            return
        if job.error is not None:
            plugin.fail("load", "was not loaded", job.error)
            self._undeclare(plugin)
            return
        with self.gate.running(plugin.source, plugin.fingerprint):
            # The registered integrations take the declared ones' place.
            self._undeclare(plugin)
            for cls in job.classes:
                self._running.add(plugin, cls)
        if plugin.manifest is not None:
            self._check_manifest(plugin, plugin.manifest)

    def _dequeue(self, name: str) -> None:
        for queue in (self._to_list, self._to_start):
            if name in queue:
                queue.remove(name)
        self._release_held()  # the listing may be complete now

    def _unload_plugin(self, name: str) -> None:
        # Imported here: the loader is not needed before plugins are imported.
        from desktop_integrations.extensions.loader import forget_modules

        plugin = self._plugins.pop(name)
        self._dequeue(name)
        job = self._jobs.pop(name, None)
        if job is not None and not job.cancel() and not job.wait(self.shutdown_timeout):
            logger.warning("%s is still being imported; going on without it", name)
        self._undeclare(plugin)
        self._running.remove(plugin)
        forget_modules(plugin.source)

    # Enabling ----------------------------------------------------------------

    def enable_extension(self, extension_id: str) -> bool:
        """Enable an extension, remembering it across restarts.

        Returns:
            Whether it is running; if its ``initialize()`` failed, the reason
            is in :meth:`get_load_errors`.

        Raises:
            ExtensionNotFoundError: No loaded extension has this ID.
            StoreError: The state could not be saved; nothing changed.
        """
        cls = self.get_extension(extension_id)
        self._running.set_state(extension_id, True)
        if cls.instance is None:
            self._running.start(self._plugins[cls.plugin_name], cls)
            send_safely(extensions_changed, self)
        return cls.instance is not None

    def disable_extension(self, extension_id: str) -> None:
        """Disable an extension, remembering it across restarts.

        Its integrations are unregistered; their configurations stay stored
        and come back when it is enabled again.

        Raises:
            ExtensionNotFoundError: No loaded extension has this ID.
            StoreError: The state could not be saved; nothing changed.
        """
        cls = self.get_extension(extension_id)
        self._running.set_state(extension_id, False)
        self._running.stop(cls)
        self._plugins[cls.plugin_name].errors.pop(extension_id, None)
        send_safely(extensions_changed, self)
