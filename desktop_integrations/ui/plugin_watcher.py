"""PluginWatcher: rescans the plugins folders shortly after their contents change."""

from __future__ import annotations

import logging

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from desktop_integrations.extensions.manager import ExtensionManager

logger = logging.getLogger(__name__)

#: How long to wait for a burst of file changes (a copy, an editor's save) to end.
DEBOUNCE_MS = 400


class PluginWatcher(QObject):
    """Watches the plugins folders and the plugin files in them.

    A change starts a short timer; when it fires, the extension manager's
    ``rescan()`` runs once for the whole burst of changes.
    """

    #: Emitted after a rescan, with whether anything changed.
    rescanned = Signal(bool)

    def __init__(self, extension_manager: ExtensionManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.extension_manager = extension_manager
        self.watcher = QFileSystemWatcher(self)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.rescan)
        self.watcher.directoryChanged.connect(self._changed)
        self.watcher.fileChanged.connect(self._changed)
        self._watch()

    def _watch(self) -> None:
        wanted: list[str] = []
        for folder in self.extension_manager.plugin_dirs:
            if not folder.is_dir():
                continue
            wanted.append(str(folder))
            try:
                entries = list(folder.iterdir())
            except OSError as e:
                logger.warning("Cannot list the plugins folder %s: %s", folder, e)
                continue
            for entry in entries:
                if entry.suffix == ".py" or entry.is_dir():
                    wanted.append(str(entry))
        watched = set(self.watcher.files()) | set(self.watcher.directories())
        missing = [path for path in wanted if path not in watched]
        if missing:
            self.watcher.addPaths(missing)

    def _changed(self, _path: str) -> None:
        self.timer.start()

    def rescan(self) -> None:
        """Rescan the plugins folders now."""
        try:
            changed = self.extension_manager.rescan()
        except Exception:
            logger.exception("Rescanning the plugins folders failed")
            changed = False
        self._watch()
        self.rescanned.emit(changed)

    def stop(self) -> None:
        """Stop watching."""
        self.timer.stop()
        paths = self.watcher.files() + self.watcher.directories()
        if paths:
            self.watcher.removePaths(paths)
