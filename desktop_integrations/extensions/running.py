"""Running extensions: the loaded extension classes by ID, each started and stopped safely.

An extension class that a plugin defines is added once its plugin is imported,
and started (instantiated, its ``initialize()`` run under the crash guard)
unless the user disabled it. A failure is recorded for its plugin, and what a
failed ``initialize()`` registered is undone. Which extensions the user
disabled is kept in the store, read with one query a second however many
extensions start.

It sends ``extension_enabled`` and ``extension_disabled`` (see
:mod:`desktop_integrations.signals`).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from desktop_integrations.extensions.discovery import PluginSource
from desktop_integrations.extensions.gate import Gate
from desktop_integrations.extensions.load_error import LoadError
from desktop_integrations.extensions.manifest import Manifest
from desktop_integrations.manager import IntegrationManager
from desktop_integrations.naming import qualified_id
from desktop_integrations.signals import extension_disabled, extension_enabled, send_safely

if TYPE_CHECKING:
    # The extension classes come with imported plugins, after the app's window is ready.
    from desktop_integrations.extensions.extension import Extension

logger = logging.getLogger(__name__)

#: Seconds the extension states read from the store are used for.
STATES_MAX_AGE = 1.0


class Plugin:
    """What the extension manager keeps for one plugin it took on.

    Attributes:
        source: Where it comes from.
        fingerprint: Its files' fingerprint when taken on (None: not known).
        extensions: Its extension classes, once imported.
        errors: Errors by stage: ``"load"``, ``"manifest"``, or the ID of an
            extension that failed.
        manifest: Its manifest, if it has one that can be used.
        imported: Whether its module was imported (or refused: nothing to import).
        declared: The IDs of the integrations its manifest declared to the
            integration manager.
    """

    # A plain class: a dataclass takes 0.3 ms to define, before the app's window is ready.
    __slots__ = (
        "declared",
        "errors",
        "extensions",
        "fingerprint",
        "imported",
        "manifest",
        "source",
    )

    def __init__(self, source: PluginSource, fingerprint: str | None = None) -> None:
        self.source = source
        self.fingerprint = fingerprint
        self.extensions: list[type[Extension]] = []
        self.errors: dict[str, LoadError] = {}
        self.manifest: Manifest | None = None
        self.imported = False
        self.declared: list[str] = []

    def fail(self, stage: str, what: str, error: BaseException) -> None:
        """Record and log that ``what`` failed with ``error``."""
        load_error = LoadError.from_exception(self.source, what, error)
        logger.error("%s\n%s", load_error.message, load_error.traceback)
        self.errors[stage] = load_error


class RunningExtensions:
    """The loaded extension classes by ID, in load order, and their running instances.

    Args:
        integration_manager: What extensions register their integrations with;
            its store keeps which extensions the user disabled.
        gate: Its crash guard records each extension's code while it runs.
        shutdown_timeout: Seconds each extension's ``shutdown()`` may take.

    Attributes:
        classes: The loaded extension classes, by ID.
    """

    def __init__(
        self, integration_manager: IntegrationManager, gate: Gate, shutdown_timeout: float
    ) -> None:
        self.integration_manager = integration_manager
        self.gate = gate
        self.shutdown_timeout = shutdown_timeout
        self.classes: dict[str, type[Extension]] = {}
        self._states: dict[str, bool] | None = None
        self._states_at = 0.0

    def add(self, plugin: Plugin, cls: type[Extension]) -> None:
        """Take on an extension class of an imported plugin; start it unless disabled.

        A class whose ID is not a string, or is taken, is refused and the
        reason recorded for its plugin.
        """
        if not cls.__dict__.get("id"):
            cls.id = qualified_id(cls)
        problem = None
        if not isinstance(cls.id, str):
            problem = f"the 'id' of {cls.__qualname__} must be a string, not {cls.id!r}"
        elif cls.id in self.classes:
            other = self.classes[cls.id].plugin_name
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
        self.classes[cls.id] = cls
        plugin.extensions.append(cls)
        if self.state(cls.id) is not False:
            self.start(plugin, cls)

    def remove(self, plugin: Plugin) -> None:
        """Stop and forget every extension class of a plugin being unloaded."""
        for cls in plugin.extensions:
            self.stop(cls)
            del self.classes[cls.id]

    def start(self, plugin: Plugin, cls: type[Extension]) -> bool:
        """Instantiate an extension and run its ``initialize()``; return whether it runs."""
        with self.gate.running(plugin.source, plugin.fingerprint):
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
                plugin.fail(cls.id, f"could not enable extension {cls.id!r}", e)
                return False
            plugin.errors.pop(cls.id, None)
            send_safely(extension_enabled, extension)
            return True

    def stop(self, cls: type[Extension]) -> None:
        """Shut a running extension down, within the time limit."""
        from desktop_integrations.extensions.extension import shut_down

        extension = cls.instance
        if extension is None:
            return
        cls.instance = None
        shut_down(extension, self.shutdown_timeout)
        send_safely(extension_disabled, extension)

    def state(self, extension_id: str) -> bool | None:
        """Whether the user enabled an extension (None: never set), from one query a second.

        Starting a thousand plugins asks a thousand times; another process's
        change is seen within a second, this process's own at once.
        """
        now = time.monotonic()
        if self._states is None or now - self._states_at > STATES_MAX_AGE:
            self._states = self.integration_manager.store.extension_states()
            self._states_at = now
        return self._states.get(extension_id)

    def set_state(self, extension_id: str, enabled: bool) -> None:
        """Remember whether the user enabled an extension.

        Raises:
            StoreError: The state could not be saved; nothing changed.
        """
        self.integration_manager.store.set_extension_enabled(extension_id, enabled)
        if self._states is not None:
            self._states[extension_id] = enabled
