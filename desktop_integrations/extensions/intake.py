"""Taking plugins on: finding and screening them, and listing what their manifests declare.

The part of :class:`~desktop_integrations.extensions.manager.ExtensionManager`
that runs before a plugin is imported: built-in plugins, installed
distributions' entry points and the plugins folders are found, each folder
plugin fingerprinted from one look at its folder, screened by the gate, and
taken on. A plugin's manifest lists its integrations at once; its import is
queued when it has none, or when one of its integrations has an enabled
configuration. What failed on the way is kept per plugin for
:meth:`~PluginIntake.get_load_errors`; the extension classes found are listed
by the queries here too.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_integrations.errors import IntegrationError
from desktop_integrations.extensions.digests import DigestCache
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
from desktop_integrations.extensions.gate import Gate
from desktop_integrations.extensions.load_error import LoadError
from desktop_integrations.extensions.manifest import (
    Manifest,
    ManifestError,
    declared_integrations,
    read_manifest,
    stale_problems,
)
from desktop_integrations.extensions.running import Plugin, RunningExtensions
from desktop_integrations.manager import IntegrationManager
from desktop_integrations.signals import extensions_changed, send_safely

if TYPE_CHECKING:
    from desktop_integrations.extensions.background import ImportJob
    from desktop_integrations.extensions.extension import Extension

logger = logging.getLogger(__name__)


class ExtensionNotFoundError(IntegrationError):
    """No loaded extension (or plugin) has the given ID (or name)."""


class PluginIntake:
    """Finds, screens, takes on and reloads plugins; the base of ``ExtensionManager``.

    The attributes below are set up by the extension manager, which also
    imports and unloads plugins (the methods that raise NotImplementedError here).
    """

    integration_manager: IntegrationManager
    safe_mode: bool
    gate: Gate
    digests: DigestCache
    plugin_dirs: list[Path]
    _loaded: bool
    _enabled_ids: set[str] | None
    _plugins: dict[str, Plugin]
    _to_list: list[str]
    _to_start: list[str]
    _duplicates: dict[str, LoadError]
    _folder_duplicates: dict[str, LoadError]
    _jobs: dict[str, ImportJob[Plugin]]
    _running: RunningExtensions

    def import_declared(self, name: str) -> None:
        """Import a plugin whose manifest declared its integrations, now."""
        raise NotImplementedError

    def _unload_plugin(self, name: str) -> None:
        raise NotImplementedError

    def _import(self, name: str) -> bool:
        raise NotImplementedError

    def _import_all(self) -> None:
        raise NotImplementedError

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
        return changed or bool(pending)

    def _load_plugin(
        self,
        source: PluginSource,
        digest: str | None,
        problem: LoadError | None,
        files: PluginFiles | OSError | None = None,
    ) -> None:
        """Take a screened plugin on: list its manifest's integrations, and queue its import."""
        plugin = self._plugins[source.name] = Plugin(source, digest)
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
            plugin.fail("manifest", "has a manifest that cannot be used", e)
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

    def _declare(self, plugin: Plugin, manifest: Manifest) -> None:
        name = plugin.source.name
        for declared in declared_integrations(
            manifest,
            name,
            lambda extension_id: self._running.state(extension_id) is False,
            lambda: self.import_declared(name),
        ):
            self.integration_manager.declare_integration(declared)
            plugin.declared.append(declared.id)

    def _undeclare(self, plugin: Plugin) -> None:
        for integration_id in plugin.declared:
            self.integration_manager.undeclare_integration(integration_id)
        plugin.declared.clear()

    def _check_manifest(self, plugin: Plugin, manifest: Manifest) -> None:
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

    # Queries -----------------------------------------------------------------

    def get_extensions(self, *, import_all: bool = True) -> list[type[Extension]]:
        """Return every loaded extension class, enabled or not, in load order.

        An enabled extension's running instance is its ``instance`` attribute.

        Args:
            import_all: Import the plugins not imported yet first; False
                returns only those imported so far.
        """
        if import_all:
            self._import_all()
        return list(self._running.classes.values())

    def get_enabled_extensions(self) -> list[Extension]:
        """Return the running extension instances (importing plugins not imported yet)."""
        self._import_all()
        return [cls.instance for cls in self._running.classes.values() if cls.instance is not None]

    def get_extension(self, extension_id: str) -> type[Extension]:
        """Return the loaded extension class with this ID.

        Raises:
            ExtensionNotFoundError: No loaded extension has this ID.
        """
        if extension_id not in self._running.classes:
            self._import_all()
        try:
            return self._running.classes[extension_id]
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
