"""Importing plugins, each under a name that cannot shadow another module.

A plugin from a plugins folder is imported as ``desktop_integrations_plugins.<name>``,
so that a plugin called ``json.py`` cannot replace the standard library's ``json``,
with its bytecode cached by :mod:`~desktop_integrations.extensions.bytecode` (never
in ``__pycache__``). Whatever goes wrong becomes a
:class:`~desktop_integrations.extensions.load_error.LoadError` naming the
plugin's file and the cause.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import threading
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desktop_integrations.extensions.bytecode import BytecodeCache
from desktop_integrations.extensions.discovery import PluginKind, PluginRefusedError, PluginSource
from desktop_integrations.extensions.extension import Extension
from desktop_integrations.naming import PLUGIN_PACKAGE


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
