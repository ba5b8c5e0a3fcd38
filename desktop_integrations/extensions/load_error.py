"""LoadError: why a plugin, or an extension in it, is not working.

Kept apart from :mod:`~desktop_integrations.extensions.loader`, which imports
plugins, so that listing them before the app's window is ready (refused and
crashed plugins are errors too) does not import the loader.
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from desktop_integrations.extensions.discovery import PluginRefusedError, PluginSource

# A frame of a formatted traceback, or the location line of a SyntaxError
# (compiled by re when first used, not at start-up).
_FRAME = r'(?m)^  File "(?P<file>[^"]*)", line (?P<line>\d+)'


class LoadError(NamedTuple):
    """Why a plugin, or an extension in it, is not working.

    Attributes:
        plugin: The plugin's name.
        message: What failed, naming the plugin's file and the cause.
        traceback: The full traceback, or ``""`` when the plugin was refused
            before any of its code ran.
        path: The plugin's module file or package folder, if it has one.
        crashed: Whether the plugin is disabled because it crashed the app.
    """

    plugin: str
    message: str
    traceback: str = ""
    path: Path | None = None
    crashed: bool = False

    def __str__(self) -> str:
        return self.message

    def _plugin_frames(self) -> list[re.Match[str]]:
        if self.path is None:
            return []
        root = str(self.path)
        return [
            match
            for match in re.finditer(_FRAME, self.traceback)
            if match["file"] == root or match["file"].startswith(root + os.sep)
        ]

    def _stack_dump(self) -> bool:
        """Whether the traceback is faulthandler's stack at a crash, innermost frame first."""
        return self.traceback.lstrip().startswith("Fatal Python error")

    def location(self) -> str:
        """Where in the plugin it failed, for people: ``"broken.py, line 4"``.

        The innermost frame in the plugin's own files (the line of a syntax
        error), relative to its plugins folder; else the plugin's file name;
        ``""`` for a plugin without files.
        """
        if self.path is None:
            return ""
        frames = self._plugin_frames()
        if not frames:
            return self.path.name
        frame = frames[0] if self._stack_dump() else frames[-1]
        file = Path(frame["file"]).relative_to(self.path.parent)
        return f"{file.as_posix()}, line {frame['line']}"

    def plugin_traceback(self) -> str:
        """The traceback from the plugin's first frame on, without the loader's frames."""
        frames = self._plugin_frames()
        if not frames or self._stack_dump():
            return self.traceback
        head = (
            "Traceback (most recent call last):\n" if self.traceback.startswith("Traceback") else ""
        )
        return head + self.traceback[frames[0].start() :]

    @classmethod
    def from_exception(cls, source: PluginSource, what: str, error: BaseException) -> LoadError:
        """Describe ``error``, raised while ``what`` was done to a plugin."""
        try:
            text = str(error)
        except Exception:  # a hostile exception's __str__ must not break the report
            text = "<the error's message could not be read>"
        if isinstance(error, SystemExit):
            cause = f"it called sys.exit({error.code!r})"
        elif isinstance(error, PluginRefusedError):
            cause = text
        else:
            cause = f"{type(error).__name__}: {text}"
        details = (
            ""
            if isinstance(error, PluginRefusedError)
            else "".join(traceback.format_exception(error))
        )
        return cls(source.name, f"{source.describe()} {what}: {cause}", details, source.path)

    @classmethod
    def duplicate(cls, source: PluginSource, taken: PluginSource) -> LoadError:
        """Describe a plugin skipped because another plugin has its name."""
        message = (
            f"{source.describe()} was not loaded: {taken.describe()} has the same "
            f"name; rename one of them"
        )
        return cls(source.name, message, path=source.path)

    @classmethod
    def combine(cls, errors: Sequence[LoadError]) -> LoadError:
        """Return one error holding every message and traceback of ``errors``."""
        if len(errors) == 1:
            return errors[0]
        return cls(
            errors[0].plugin,
            "\n".join(error.message for error in errors),
            "\n".join(error.traceback for error in errors if error.traceback),
            errors[0].path,
            any(error.crashed for error in errors),
        )
