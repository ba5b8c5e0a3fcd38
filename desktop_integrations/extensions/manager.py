"""ExtensionManager: loads plugins, runs their extensions, and contains their failures.

A plugin that fails in any way (a syntax error, an import error, an exception
or ``sys.exit()`` while importing or in ``initialize()``, a duplicate or
invalid integration) is recorded as a :class:`LoadError` for that plugin and
logged; every other plugin and the app keep working. Before a folder plugin is
imported, it must pass the safety check (owner and permissions), the crash
guard (it did not crash the app last time) and the probe (it imports in a
child process within the time limit).

It sends ``extension_enabled``, ``extension_disabled`` and ``extensions_changed``
(see :mod:`desktop_integrations.signals`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_integrations import paths
from desktop_integrations.errors import IntegrationError
from desktop_integrations.extensions.background import ImportJob, ImportWorker
from desktop_integrations.extensions.bytecode import BytecodeCache
from desktop_integrations.extensions.discovery import (
    PluginFiles,
    PluginKind,
    PluginSource,
    find_builtin_plugins,
    find_entry_point_plugins,
    fingerprint,
    scan_folder_plugin,
    scan_folder_plugins,
)
from desktop_integrations.extensions.extension import Extension, shut_down
from desktop_integrations.extensions.gate import SHUTDOWN_TIMEOUT, Gate
from desktop_integrations.extensions.guard import CrashGuard
from desktop_integrations.extensions.loader import LoadError, forget_modules
from desktop_integrations.extensions.manifest import (
    Manifest,
    ManifestError,
    declared_integrations,
    read_manifest,
    stale_problems,
)
from desktop_integrations.manager import IntegrationManager
from desktop_integrations.naming import qualified_id
from desktop_integrations.signals import (
    extension_disabled,
    extension_enabled,
    extensions_changed,
    send_safely,
)

logger = logging.getLogger(__name__)

#: Seconds the extension states read from the store are used for.
STATES_MAX_AGE = 1.0


class ExtensionNotFoundError(IntegrationError):
    """No loaded extension (or plugin) has the given ID (or name)."""


@dataclass
class _Plugin:
    source: PluginSource
    fingerprint: str | None = None
    extensions: list[type[Extension]] = field(default_factory=list)
    #: Errors by stage: ``"load"``, ``"manifest"``, or the ID of an extension that failed.
    errors: dict[str, LoadError] = field(default_factory=dict)
    manifest: Manifest | None = None
    imported: bool = False
    #: The IDs of the integrations its manifest declared to the integration manager.
    declared: list[str] = field(default_factory=list)


class ExtensionManager:
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
        self._plugins: dict[str, _Plugin] = {}
        self._extensions: dict[str, type[Extension]] = {}
        self._duplicates: dict[str, LoadError] = {}
        self._folder_duplicates: dict[str, LoadError] = {}
        self._states: dict[str, bool] | None = None
        self._states_at = 0.0
        # Imports under way, in the order their plugins register.
        self._jobs: dict[str, ImportJob[_Plugin]] = {}
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
        for name in list(self._plugins):
            self._import(name)
        send_safely(extensions_changed, self)

    def discover(self) -> None:
        """Find and screen every plugin and list what manifests declare, importing nothing.

        Plugins that must be imported (no manifest, or an enabled
        configuration) wait in :attr:`pending` for :meth:`import_next`; the
        others are imported when needed. Does nothing once loaded.
        """
        if self._loaded:
            return
        self._loaded = True
        sources = find_builtin_plugins()
        if not self.safe_mode:
            try:
                sources += find_entry_point_plugins()
            except Exception:
                logger.exception("Cannot list the plugins of installed distributions")
        self._enabled_ids = self.integration_manager.store.enabled_integration_ids()
        try:
            problems = self.gate.screen([(source, None) for source in sources])
            for source in sources:
                taken = self._plugins.get(source.name)
                if taken is None:
                    self._load_plugin(source, None, problems.get(source.name))
                else:
                    self._duplicates[source.name] = LoadError.duplicate(source, taken.source)
                    logger.error("%s", self._duplicates[source.name].message)
            self._scan_folders()
        finally:
            self._enabled_ids = None

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

        Args:
            ready: Called, from the worker thread, when imported plugins wait
                for :meth:`finish_imports` (once until that is called). It must
                only schedule that call on this thread, as a queued signal does.
        """
        self.discover()
        self.gate.guard.start()  # here: the two threads must not both open its journal
        if self._worker is None:
            self._worker = ImportWorker(self.gate, ready)
        self._worker.ready = ready
        self._worker.submit(
            self._new_job(plugin)
            for plugin in [self._plugins[name] for name in self.pending]
            if not plugin.imported
        )
        return bool(self._jobs)

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
        if changed:
            send_safely(extensions_changed, self)
        return changed

    def reload_plugin(self, name: str) -> None:
        """Unload a plugin and load it again, for instance to retry a failed one.

        The plugin is probed again, and loads even if it crashed the app before.

        Raises:
            ExtensionNotFoundError: No plugin has this name.
        """
        plugin = self._plugins.get(name)
        if plugin is None:
            raise ExtensionNotFoundError(f"No plugin named {name!r} is loaded")
        self._unload_plugin(name)
        self.gate.guard.forgive(name)
        files: PluginFiles | OSError | None = None
        digest = None
        if plugin.source.kind is PluginKind.FOLDER:
            files = scan_folder_plugin(plugin.source)
            digest = fingerprint(files, self.digests)
        seen = {name: files} if files is not None else None
        problems = self.gate.screen([(plugin.source, digest)], seen, fresh=True)
        self._load_plugin(plugin.source, digest, problems.get(name), files)
        self._import(name)
        send_safely(extensions_changed, self)

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
        self._loaded = False

    def _scan_folders(self) -> bool:
        if self.safe_mode:
            return False
        found: dict[str, PluginSource] = {}
        files: dict[str, PluginFiles | OSError] = {}
        duplicates: dict[str, LoadError] = {}
        for source, seen in scan_folder_plugins(self.plugin_dirs):
            taken = found.get(source.name)
            plugin = self._plugins.get(source.name)
            if taken is None and plugin is not None and plugin.source.kind is not PluginKind.FOLDER:
                taken = plugin.source
            if taken is not None:
                duplicates[source.name] = LoadError.duplicate(source, taken)
            else:
                found[source.name] = source
                files[source.name] = seen
        for name in duplicates.keys() - self._folder_duplicates.keys():
            logger.error("%s", duplicates[name].message)
        changed = duplicates != self._folder_duplicates
        self._folder_duplicates = duplicates
        for name, plugin in list(self._plugins.items()):
            if plugin.source.kind is PluginKind.FOLDER and name not in found:
                self._unload_plugin(name)
                changed = True
        pending: list[tuple[PluginSource, str | None]] = []
        for name, source in found.items():
            digest = fingerprint(files[name], self.digests)
            plugin = self._plugins.get(name)
            if plugin is not None:
                if plugin.source == source and digest is not None and digest == plugin.fingerprint:
                    continue
                self._unload_plugin(name)
            pending.append((source, digest))
        self.digests.forget_missing(
            [str(folder) for folder in self.plugin_dirs],
            {
                str(path)
                for seen in files.values()
                if not isinstance(seen, OSError)
                for path, _stat in seen.files
            },
        )
        self.digests.save()
        problems = self.gate.screen(pending, files)
        for source, digest in pending:
            self._load_plugin(source, digest, problems.get(source.name), files[source.name])
        if self._enabled_ids is None:  # a rescan: import what is needed now
            for name in [name for name in self.pending if name not in self._jobs]:
                self._import(name)
        return changed or bool(pending)

    def _load_plugin(
        self,
        source: PluginSource,
        digest: str | None,
        problem: LoadError | None,
        files: PluginFiles | OSError | None = None,
    ) -> None:
        """Take a screened plugin on: list its manifest's integrations, and queue its import."""
        plugin = self._plugins[source.name] = _Plugin(source, digest)
        if problem is not None:
            logger.error("%s\n%s", problem.message, problem.traceback)
            plugin.errors["load"] = problem
            plugin.imported = True  # refused: nothing to import
            return
        try:
            seen = None if isinstance(files, OSError) else files
            plugin.manifest = read_manifest(source, seen)
        except ManifestError as e:
            # Imported as without a manifest, so that it still works.
            self._fail(plugin, "manifest", "has a manifest that cannot be used", e)
        if plugin.manifest is None or not plugin.manifest.complete:
            self._to_list.append(source.name)
        if plugin.manifest is None:
            return
        self._declare(plugin, plugin.manifest)
        enabled = self._enabled_ids
        if enabled is None:
            enabled = self.integration_manager.store.enabled_integration_ids()
        if source.name not in self._to_list and any(i in enabled for i in plugin.declared):
            self._to_start.append(source.name)

    def _declare(self, plugin: _Plugin, manifest: Manifest) -> None:
        name = plugin.source.name
        for declared in declared_integrations(
            manifest,
            name,
            lambda extension_id: self._extension_state(extension_id) is False,
            lambda: self.import_declared(name),
        ):
            self.integration_manager.declare_integration(declared)
            plugin.declared.append(declared.id)

    def _undeclare(self, plugin: _Plugin) -> None:
        for integration_id in plugin.declared:
            self.integration_manager.undeclare_integration(integration_id)
        plugin.declared.clear()

    def _new_job(self, plugin: _Plugin) -> ImportJob[_Plugin]:
        plugin.imported = True
        self.import_count += 1
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

    def _finish(self, job: ImportJob[_Plugin]) -> None:
        """Register what an import found (on the manager's thread: extension code runs)."""
        plugin = job.owner
        name = plugin.source.name
        if self._jobs.get(name) is job:
            del self._jobs[name]
        self._dequeue(name)
        if self._plugins.get(name) is not plugin:  # unloaded meanwhile
            return
        if job.error is not None:
            self._fail(plugin, "load", "was not loaded", job.error)
            self._undeclare(plugin)
            return
        with self.gate.running(plugin.source, plugin.fingerprint):
            # The registered integrations take the declared ones' place.
            self._undeclare(plugin)
            for cls in job.classes:
                self._add_extension(plugin, cls)
        if plugin.manifest is not None:
            self._check_manifest(plugin, plugin.manifest)

    def _dequeue(self, name: str) -> None:
        for queue in (self._to_list, self._to_start):
            if name in queue:
                queue.remove(name)

    def _check_manifest(self, plugin: _Plugin, manifest: Manifest) -> None:
        problems = stale_problems(manifest, plugin.extensions)
        if problems:
            message = (
                f"{plugin.source.describe()} has a stale manifest ({manifest.path}): "
                f"{'; '.join(problems)}. Its integrations were listed wrongly until it was "
                "imported; update the manifest"
            )
            logger.warning("%s", message)
            plugin.errors["manifest"] = LoadError(
                plugin.source.name, message, path=plugin.source.path
            )

    def _add_extension(self, plugin: _Plugin, cls: type[Extension]) -> None:
        if not cls.__dict__.get("id"):
            cls.id = qualified_id(cls)
        problem = None
        if not isinstance(cls.id, str):
            problem = f"the 'id' of {cls.__qualname__} must be a string, not {cls.id!r}"
        elif cls.id in self._extensions:
            other = self._extensions[cls.id].plugin_name
            problem = (
                f"the extension ID {cls.id!r} of {cls.__qualname__} is already used "
                f"by plugin {other!r}"
            )
        if problem is not None:
            message = f"{plugin.source.describe()} was not loaded: {problem}"
            logger.error("%s", message)
            plugin.errors[str(cls.id)] = LoadError(
                plugin.source.name, message, path=plugin.source.path
            )
            return
        cls.plugin_name = plugin.source.name
        cls.plugin_path = plugin.source.path
        # Its own attribute: a subclass must not see its base class's instance.
        cls.instance = None
        self._extensions[cls.id] = cls
        plugin.extensions.append(cls)
        if self._extension_state(cls.id) is not False:
            self._start(plugin, cls)

    def _unload_plugin(self, name: str) -> None:
        plugin = self._plugins.pop(name)
        self._dequeue(name)
        job = self._jobs.pop(name, None)
        if job is not None and not job.cancel() and not job.wait(self.shutdown_timeout):
            logger.warning("%s is still being imported; going on without it", name)
        self._undeclare(plugin)
        for cls in plugin.extensions:
            self._stop(cls)
            del self._extensions[cls.id]
        forget_modules(plugin.source)

    def _fail(self, plugin: _Plugin, stage: str, what: str, error: BaseException) -> None:
        load_error = LoadError.from_exception(plugin.source, what, error)
        logger.error("%s\n%s", load_error.message, load_error.traceback)
        plugin.errors[stage] = load_error

    # Enabling ----------------------------------------------------------------

    def _start(self, plugin: _Plugin, cls: type[Extension]) -> bool:
        with self.gate.running(plugin.source, plugin.fingerprint):
            return self._initialize(plugin, cls)

    def _initialize(self, plugin: _Plugin, cls: type[Extension]) -> bool:
        try:
            extension = cls(self.integration_manager)
            cls.instance = extension
            extension.initialize()
        except BaseException as e:
            # Undo what initialize() registered before failing, so no
            # integration stays half-registered.
            if cls.instance is not None:
                cls.instance.shutdown_hooks()
            cls.instance = None
            if isinstance(e, KeyboardInterrupt):
                raise
            self._fail(plugin, cls.id, f"could not enable extension {cls.id!r}", e)
            return False
        plugin.errors.pop(cls.id, None)
        send_safely(extension_enabled, extension)
        return True

    def _extension_state(self, extension_id: str) -> bool | None:
        """Whether the user enabled an extension (None: never set), from one query a second.

        Starting a thousand plugins asks a thousand times; another process's
        change is seen within a second, this manager's own at once.
        """
        now = time.monotonic()
        if self._states is None or now - self._states_at > STATES_MAX_AGE:
            self._states = self.integration_manager.store.extension_states()
            self._states_at = now
        return self._states.get(extension_id)

    def _set_extension_state(self, extension_id: str, enabled: bool) -> None:
        self.integration_manager.store.set_extension_enabled(extension_id, enabled)
        if self._states is not None:
            self._states[extension_id] = enabled

    def _stop(self, cls: type[Extension]) -> None:
        extension = cls.instance
        if extension is None:
            return
        cls.instance = None
        shut_down(extension, self.shutdown_timeout)
        send_safely(extension_disabled, extension)

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
        self._set_extension_state(extension_id, True)
        if cls.instance is None:
            self._start(self._plugins[cls.plugin_name], cls)
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
        self._set_extension_state(extension_id, False)
        self._stop(cls)
        self._plugins[cls.plugin_name].errors.pop(extension_id, None)
        send_safely(extensions_changed, self)

    # Queries -----------------------------------------------------------------

    def get_extensions(self) -> list[type[Extension]]:
        """Return every loaded extension class, enabled or not, in load order.

        An enabled extension's running instance is its ``instance`` attribute.
        Plugins not imported yet are imported first.
        """
        self._import_all()
        return list(self._extensions.values())

    def get_enabled_extensions(self) -> list[Extension]:
        """Return the running extension instances (importing plugins not imported yet)."""
        self._import_all()
        return [cls.instance for cls in self._extensions.values() if cls.instance is not None]

    def get_extension(self, extension_id: str) -> type[Extension]:
        """Return the loaded extension class with this ID.

        Raises:
            ExtensionNotFoundError: No loaded extension has this ID.
        """
        if extension_id not in self._extensions:
            self._import_all()
        try:
            return self._extensions[extension_id]
        except KeyError:
            raise ExtensionNotFoundError(
                f"No extension with the ID {extension_id!r} is loaded"
            ) from None

    def get_load_errors(self) -> dict[str, LoadError]:
        """Return what failed, by plugin name (module or folder name)."""
        errors = {**self._duplicates, **self._folder_duplicates}
        for name, plugin in self._plugins.items():
            if plugin.errors:
                errors[name] = LoadError.combine(list(plugin.errors.values()))
        return errors
