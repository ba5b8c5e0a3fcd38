"""Importing plugins, each under a name that cannot shadow another module.

A plugin from a plugins folder is imported as ``desktop_integrations_plugins.<name>``,
so that a plugin called ``json.py`` cannot replace the standard library's ``json``,
with its bytecode cached by :mod:`~desktop_integrations.extensions.bytecode` (never
in ``__pycache__``). Whatever goes wrong
becomes a :class:`LoadError` naming the plugin's file and the cause.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import re
import sys
import threading
import traceback
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from desktop_integrations.extensions.bytecode import BytecodeCache
from desktop_integrations.extensions.discovery import PluginKind, PluginRefusedError, PluginSource
from desktop_integrations.extensions.extension import Extension
from desktop_integrations.naming import PLUGIN_PACKAGE

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


class _SourceLoader(importlib.machinery.SourceFileLoader):
    """Takes a plugin module's code from :class:`BytecodeCache`, never from ``__pycache__``."""

    def __init__(self, fullname: str, path: str, bytecode: BytecodeCache) -> None:
        super().__init__(fullname, path)
        self.bytecode = bytecode

    def get_code(self, fullname: str) -> types.CodeType:
        path = self.get_filename(fullname)
        return self.bytecode.code(path, self.get_data, self.source_to_code)


class _PluginFinder:
    """Finds the submodules of folder plugins, so they load through :class:`_SourceLoader`.

    A meta path finder by protocol (``find_spec``), not by deriving from
    ``importlib.abc.MetaPathFinder``: that module, which opening the window
    would otherwise import, adds nothing it uses.
    """

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(PLUGIN_PACKAGE + ".") or not path:
            return None
        parent, _dot, leaf = fullname.rpartition(".")
        # The cache its plugin was imported with.
        loader = getattr(getattr(sys.modules.get(parent), "__spec__", None), "loader", None)
        bytecode = loader.bytecode if isinstance(loader, _SourceLoader) else BytecodeCache.default()
        for entry in path:
            package = Path(entry, leaf)
            if (package / "__init__.py").is_file():
                return _spec(fullname, package / "__init__.py", bytecode, package)
            if Path(entry, leaf + ".py").is_file():
                return _spec(fullname, Path(entry, leaf + ".py"), bytecode)
        return None


_finder = _PluginFinder()
# Plugins are imported on a worker thread and, when needed at once, on the GUI's.
_install_lock = threading.Lock()


def _spec(
    fullname: str, file: Path, bytecode: BytecodeCache, package: Path | None = None
) -> importlib.machinery.ModuleSpec:
    spec = importlib.util.spec_from_file_location(
        fullname,
        file,
        loader=_SourceLoader(fullname, str(file), bytecode),
        submodule_search_locations=[str(package)] if package is not None else None,
    )
    assert spec is not None
    return spec


def _install_plugin_package() -> None:
    """Create the empty package that folder plugins are imported into."""
    with _install_lock:
        if PLUGIN_PACKAGE not in sys.modules:
            package = types.ModuleType(PLUGIN_PACKAGE, "Plugins loaded from plugins folders.")
            package.__path__ = []
            package.__spec__ = importlib.machinery.ModuleSpec(PLUGIN_PACKAGE, None, is_package=True)
            sys.modules[PLUGIN_PACKAGE] = package
        if _finder not in sys.meta_path:
            sys.meta_path.insert(0, _finder)


def forget_modules(source: PluginSource) -> None:
    """Remove a folder plugin's module and its submodules from ``sys.modules``."""
    if source.kind is not PluginKind.FOLDER:
        return
    name = source.module_name
    if name not in sys.modules:  # submodules go with it: nothing to look for
        return
    # A copy: another thread may be importing (and adding modules) meanwhile.
    for module_name in [m for m in list(sys.modules) if m == name or m.startswith(name + ".")]:
        sys.modules.pop(module_name, None)


def import_plugin(source: PluginSource, bytecode: BytecodeCache | None = None) -> Any:
    """Import a plugin and return its module (or the object its entry point names).

    A folder plugin's code comes from ``bytecode`` (default: the one in the
    user cache folder). Any exception, including ``SystemExit``, comes from
    the plugin's own code.
    """
    if source.entry_point is not None:
        return source.entry_point.load()
    if source.kind is PluginKind.BUILTIN:
        return importlib.import_module(source.module_name)
    assert source.path is not None
    _install_plugin_package()
    forget_modules(source)
    bytecode = bytecode or BytecodeCache.default()
    if source.path.is_dir():
        spec = _spec(source.module_name, source.path / "__init__.py", bytecode, source.path)
    else:
        spec = _spec(source.module_name, source.path, bytecode)
    module = importlib.util.module_from_spec(spec)
    sys.modules[source.module_name] = module
    try:
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    except BaseException:
        forget_modules(source)
        raise
    return module


def extension_classes(loaded: Any, source: PluginSource) -> list[type[Extension]]:
    """Return the Extension subclasses a plugin defines, in definition order.

    Raises:
        PluginRefusedError: The plugin defines none, or its entry point names
            something other than a module or an Extension subclass.
    """
    if isinstance(loaded, type) and issubclass(loaded, Extension) and loaded is not Extension:
        return [loaded]
    if not isinstance(loaded, types.ModuleType):
        raise PluginRefusedError(
            f"its entry point names {loaded!r}, which is neither a module nor an Extension subclass"
        )
    prefix = loaded.__name__ + "."
    classes: list[type[Extension]] = []
    for value in vars(loaded).values():
        if (
            isinstance(value, type)
            and issubclass(value, Extension)
            and (value.__module__ == loaded.__name__ or value.__module__.startswith(prefix))
            and value not in classes
        ):
            classes.append(value)
    if not classes:
        raise PluginRefusedError(
            "it defines no Extension subclass; add one whose initialize() registers "
            "its integrations with IntegrationHook"
        )
    return classes
