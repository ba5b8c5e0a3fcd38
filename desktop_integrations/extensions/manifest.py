"""Plugin manifests: a plugin's extensions and integrations, read without importing it.

A module plugin ``name.py`` may have ``name.manifest.json`` beside it, a
package plugin a ``manifest.json`` inside its folder::

    {
      "manifest_version": 1,
      "extensions": [
        {
          "id": "my_plugin.MyExtension",
          "integrations": [
            {
              "id": "my_plugin.MyIntegration",
              "name": "My Integration",
              "description": "Posts events to my service.",
              "icons": {"1x": "my-integration.png", "2x": "my-integration@2x.png"},
              "keywords": ["my-service"]
            }
          ]
        }
      ]
    }

Icon paths are relative to the manifest's folder. ``"more_with": ["module"]``
says that the plugin registers more integrations when that module is
installed (as the Apprise plugin does with Apprise). The app lists the declared
integrations at once and imports the plugin only when one of them is needed;
once imported, :func:`stale_problems` says where the manifest no longer
matches what the plugin registers.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from desktop_integrations.declared import DeclaredIntegration
from desktop_integrations.errors import IntegrationError
from desktop_integrations.extensions.discovery import (
    BUILTIN_PACKAGE,
    MODULE_MANIFEST_SUFFIX,
    PACKAGE_MANIFEST,
    PluginFiles,
    PluginKind,
    PluginSource,
)

if TYPE_CHECKING:
    from desktop_integrations.extensions.extension import Extension

MANIFEST_VERSION = 1


class ManifestError(IntegrationError):
    """A plugin's manifest cannot be used; the plugin is imported as without one."""


class IntegrationEntry(NamedTuple):
    """One integration a manifest declares."""

    id: str
    name: str
    description: str
    icons: Mapping[str, str]
    keywords: tuple[str, ...] = ()


class ExtensionEntry(NamedTuple):
    """One extension a manifest declares, with the integrations it registers."""

    id: str
    integrations: tuple[IntegrationEntry, ...]


class Manifest(NamedTuple):
    """A plugin's manifest, checked.

    Attributes:
        path: The manifest file.
        extensions: The extensions it declares.
        more_with: Modules that, when installed, make the plugin register more
            integrations than it declares (it is then imported to list them).
    """

    path: Path
    extensions: tuple[ExtensionEntry, ...]
    more_with: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Whether the declared integrations are all the plugin registers here."""
        return not any(_installed(name) for name in self.more_with)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def manifest_path(source: PluginSource) -> Path | None:
    """Return where ``source``'s manifest would be (None for an entry point)."""
    if source.kind is PluginKind.FOLDER and source.path is not None:
        if source.path.is_dir():
            return source.path / PACKAGE_MANIFEST
        return source.path.with_name(source.name + MODULE_MANIFEST_SUFFIX)
    if source.kind is PluginKind.BUILTIN:
        folder = Path(next(iter(importlib.import_module(BUILTIN_PACKAGE).__path__)))
        if (folder / source.name).is_dir():
            return folder / source.name / PACKAGE_MANIFEST
        return folder / (source.name + MODULE_MANIFEST_SUFFIX)
    return None


def read_manifest(source: PluginSource, files: PluginFiles | None = None) -> Manifest | None:
    """Return ``source``'s manifest, or None if it has none.

    Args:
        source: The plugin.
        files: A folder plugin's files as discovery saw them, which tell
            whether it has a manifest without looking again.

    Raises:
        ManifestError: The manifest cannot be read or is malformed; the
            message names the file and what is wrong.
    """
    path = manifest_path(source) if files is None else files.manifest
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise ManifestError(f"its manifest {path} cannot be read: {e}") from e
    try:
        document = json.loads(text)
    except ValueError as e:
        raise ManifestError(f"its manifest {path} is not valid JSON: {e}") from e
    try:
        extensions = _extensions(document, path.parent)
        more_with = _list(document.get("more_with", []), "'more_with'")
        if not all(isinstance(name, str) and name for name in more_with):
            raise ValueError(f"'more_with' must list module names, not {more_with!r}")
        return Manifest(path, extensions, tuple(more_with))
    except (TypeError, ValueError) as e:
        raise ManifestError(f"its manifest {path} is not valid: {e}") from e


def _text(entry: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
    value = entry.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f"{where}: {key!r} must be a non-empty string, not {value!r}")
    return value


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"{where} must be a JSON object, not {value!r}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"{where} must be a JSON list, not {value!r}")
    return value


def _extensions(document: Any, folder: Path) -> tuple[ExtensionEntry, ...]:
    document = _object(document, "the manifest")
    version = document.get("manifest_version")
    if version != MANIFEST_VERSION:
        raise ValueError(f"'manifest_version' must be {MANIFEST_VERSION}, not {version!r}")
    extensions = []
    for number, value in enumerate(_list(document.get("extensions"), "'extensions'")):
        where = f"extensions[{number}]"
        entry = _object(value, where)
        integrations = tuple(
            _integration(item, f"{where}.integrations[{index}]", folder)
            for index, item in enumerate(_list(entry.get("integrations"), f"{where}.integrations"))
        )
        extensions.append(ExtensionEntry(_text(entry, "id", where), integrations))
    return tuple(extensions)


def _integration(value: Any, where: str, folder: Path) -> IntegrationEntry:
    entry = _object(value, where)
    icons = _object(entry.get("icons", {}), f"{where}.icons")
    paths = {}
    for resolution, relpath in icons.items():
        if resolution not in ("1x", "2x") or not isinstance(relpath, str):
            raise ValueError(f"{where}.icons: expected '1x' and '2x' file names, not {icons!r}")
        # Made absolute, ".." folded; not resolved, which looked up each of
        # the path's folders (0.5 ms for the built-in plugins' icons).
        paths[resolution] = os.path.abspath(os.path.join(folder, relpath))
    keywords = _list(entry.get("keywords", []), f"{where}.keywords")
    if not all(isinstance(word, str) for word in keywords):
        raise ValueError(f"{where}.keywords must be strings, not {keywords!r}")
    return IntegrationEntry(
        _text(entry, "id", where),
        _text(entry, "name", where),
        _text(entry, "description", where, required=False),
        paths,
        tuple(keywords),
    )


def declared_integrations(
    manifest: Manifest,
    plugin: str,
    disabled: Callable[[str], bool],
    importer: Callable[[], object],
) -> list[DeclaredIntegration]:
    """Return the integrations ``manifest`` declares, except those of disabled extensions.

    Args:
        manifest: The plugin's manifest.
        plugin: The plugin's name.
        disabled: Whether the user disabled the extension with this ID.
        importer: Imports the plugin.
    """
    return [
        DeclaredIntegration(
            entry.id, entry.name, entry.description, entry.icons, plugin, importer, entry.keywords
        )
        for extension in manifest.extensions
        if not disabled(extension.id)
        for entry in extension.integrations
    ]


def stale_problems(manifest: Manifest, loaded: Iterable[type[Extension]]) -> list[str]:
    """Return where a manifest no longer matches its imported plugin (empty: it matches).

    Args:
        manifest: The plugin's manifest.
        loaded: The extension classes the plugin defines; the integrations of
            the running ones are compared with the manifest's.
    """
    from desktop_integrations.extensions.extension import IntegrationHook

    declared = {extension.id: extension for extension in manifest.extensions}
    classes = {cls.id: cls for cls in loaded}
    problems = [
        f"the plugin defines extension {ext_id!r}, which the manifest does not declare"
        for ext_id in classes
        if ext_id not in declared
    ]
    problems += [
        f"the manifest declares extension {ext_id!r}, which the plugin does not define"
        for ext_id in declared
        if ext_id not in classes
    ]
    for ext_id, cls in classes.items():
        if ext_id not in declared or cls.instance is None:
            continue
        expected = {i.id: (i.name, i.description) for i in declared[ext_id].integrations}
        actual = {
            hook.integration_cls.integration_id or "": (
                hook.integration_cls.name,
                hook.integration_cls.description,
            )
            for hook in cls.instance.hooks
            if isinstance(hook, IntegrationHook)
        }
        for iid in expected.keys() - actual.keys():
            problems.append(f"integration {iid!r} is declared but not registered")
        for iid in actual.keys() - expected.keys() if manifest.complete else ():
            problems.append(f"integration {iid!r} is registered but not declared")
        for iid in expected.keys() & actual.keys():
            if expected[iid] != actual[iid]:
                problems.append(
                    f"integration {iid!r} is declared as {expected[iid]!r} but registers "
                    f"as {actual[iid]!r} (name, description)"
                )
    return sorted(problems)
