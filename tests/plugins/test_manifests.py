"""Plugin manifests: integrations listed without importing their plugin."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.extensions.manager import ExtensionManager
from desktop_integrations.integration import PLUGIN_PACKAGE

PLUGIN = """
from desktop_integrations import Extension, Integration, IntegrationHook


class PagerIntegration(Integration):
    integration_id = "pager.integration"
    name = "Pager"
    description = "Pages whoever is on call."


class PagerExtension(Extension):
    def initialize(self):
        IntegrationHook(self, PagerIntegration)
"""


def manifest(**changes: Any) -> dict[str, Any]:
    integration = {
        "id": "pager.integration",
        "name": "Pager",
        "description": "Pages whoever is on call.",
        "icons": {"1x": "pager.png", "2x": "pager@2x.png"},
        **changes,
    }
    return {
        "manifest_version": 1,
        "extensions": [{"id": "pager.PagerExtension", "integrations": [integration]}],
    }


def write(folder: Path, manifest_doc: Any = None, text: str = PLUGIN) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    module = folder / "pager.py"
    module.write_text(textwrap.dedent(text))
    if manifest_doc is not None:
        raw = manifest_doc if isinstance(manifest_doc, str) else json.dumps(manifest_doc)
        (folder / "pager.manifest.json").write_text(raw)
    return module


def imported(module: Path) -> bool:
    """Whether the plugin is imported into the app (the probe imports it in a child)."""
    return f"{PLUGIN_PACKAGE}.{module.stem}" in sys.modules


@pytest.fixture
def plugins(tmp_path: Path) -> Path:
    return tmp_path / "user-plugins"


@pytest.fixture
def extensions(manager: IntegrationManager, plugins: Path) -> Iterator[ExtensionManager]:
    extensions = ExtensionManager(manager, [plugins])
    yield extensions
    extensions.shutdown()


def store_config(manager: IntegrationManager, enabled: bool) -> None:
    with manager.store.transaction("add a configuration") as conn:
        conn.execute(
            "INSERT INTO configs (integration_id, name, enabled, settings, extra_data, revision,"
            " time_added, last_updated) VALUES ('pager.integration', 'On call', ?, '{}', '{}', 1,"
            " '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')",
            (int(enabled),),
        )


def test_declared_integrations_are_listed_without_importing_the_plugin(
    manager: IntegrationManager, extensions: ExtensionManager, plugins: Path
) -> None:
    module = write(plugins, manifest())
    extensions.discover()
    declared = {d.id: d for d in manager.get_declared_integrations()}
    assert declared["pager.integration"].name == "Pager"
    assert declared["pager.integration"].description == "Pages whoever is on call."
    assert declared["pager.integration"].icon_static_urls == {
        "1x": str(plugins / "pager.png"),
        "2x": str(plugins / "pager@2x.png"),
    }
    assert "pager" not in extensions.pending
    assert not imported(module)
    assert not manager.is_registered("pager.integration")


def test_asking_for_a_declared_integration_imports_its_plugin(
    manager: IntegrationManager, extensions: ExtensionManager, plugins: Path
) -> None:
    module = write(plugins, manifest())
    extensions.discover()
    integration = manager.get_integration("pager.integration")  # as its dialog opening does
    assert imported(module)
    assert type(integration).__name__ == "PagerIntegration"
    assert manager.get_declared_integrations() == [
        d for d in manager.get_declared_integrations() if d.plugin != "pager"
    ]
    assert extensions.get_load_errors() == {}


def test_enabling_a_configuration_imports_the_plugin_and_enables_the_integration(
    manager: IntegrationManager, extensions: ExtensionManager, plugins: Path
) -> None:
    module = write(plugins, manifest())
    store_config(manager, enabled=False)
    extensions.discover()
    assert not imported(module)
    config = manager.get_integration_configs("pager.integration")[0]
    config.enabled = True
    config.save()
    assert imported(module)
    assert manager.get_integration("pager.integration").enabled


def test_a_stored_enabled_configuration_queues_the_import(
    manager: IntegrationManager, extensions: ExtensionManager, plugins: Path
) -> None:
    module = write(plugins, manifest())
    store_config(manager, enabled=True)
    extensions.discover()
    assert "pager" in extensions.pending  # to deliver events
    assert manager.find_declared("pager.integration") is not None  # listed already
    assert not imported(module)
    while extensions.import_next():
        pass
    assert imported(module)
    assert manager.get_integration("pager.integration").enabled


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("{not json", "is not valid JSON"),
        (manifest(name=""), "'name' must be a non-empty string"),
        ({"manifest_version": 7, "extensions": []}, "'manifest_version' must be 1"),
        ({"manifest_version": 1, "extensions": {}}, "'extensions' must be a JSON list"),
    ],
)
def test_an_invalid_manifest_is_reported_and_the_plugin_still_works(
    manager: IntegrationManager,
    extensions: ExtensionManager,
    plugins: Path,
    document: Any,
    expected: str,
) -> None:
    write(plugins, document)
    extensions.load()
    error = extensions.get_load_errors()["pager"]
    assert expected in error.message
    assert "pager.manifest.json" in error.message
    assert manager.get_integration("pager.integration").name == "Pager"


def test_an_invalid_manifest_leaves_the_plugin_to_be_imported_to_list_it(
    manager: IntegrationManager, extensions: ExtensionManager, plugins: Path
) -> None:
    write(plugins, "[]")
    extensions.discover()
    assert manager.find_declared("pager.integration") is None
    assert "pager" in extensions.pending and not extensions.listing_complete


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (manifest(name="Beeper"), "is declared as ('Beeper'"),
        (manifest(id="pager.other"), "'pager.other' is declared but not registered"),
    ],
)
def test_a_stale_manifest_is_reported_once_the_plugin_is_imported(
    manager: IntegrationManager,
    extensions: ExtensionManager,
    plugins: Path,
    document: dict[str, Any],
    expected: str,
) -> None:
    write(plugins, document)
    extensions.load()
    error = extensions.get_load_errors()["pager"]
    assert "stale manifest" in error.message and expected in error.message
    assert manager.get_integration("pager.integration").name == "Pager"  # it still works
    assert manager.get_declared_integrations() == [
        d for d in manager.get_declared_integrations() if d.plugin != "pager"
    ]


def test_a_disabled_extension_declares_nothing(
    manager: IntegrationManager, extensions: ExtensionManager, plugins: Path
) -> None:
    write(plugins, manifest())
    manager.store.set_extension_enabled("pager.PagerExtension", False)
    extensions.discover()
    assert manager.find_declared("pager.integration") is None


def test_a_removed_plugin_is_no_longer_declared(
    manager: IntegrationManager, extensions: ExtensionManager, plugins: Path
) -> None:
    module = write(plugins, manifest())
    extensions.discover()
    module.unlink()
    (plugins / "pager.manifest.json").unlink()
    extensions.rescan()
    assert manager.find_declared("pager.integration") is None


def test_listing_extensions_imports_the_declared_plugins(
    manager: IntegrationManager, extensions: ExtensionManager, plugins: Path
) -> None:
    module = write(plugins, manifest())
    extensions.discover()
    assert "pager.PagerExtension" in [cls.id for cls in extensions.get_extensions()]
    assert imported(module)


def test_built_in_plugins_are_listed_from_their_manifests(
    manager: IntegrationManager, tmp_path: Path
) -> None:
    extensions = ExtensionManager(manager, [tmp_path], safe_mode=True)
    extensions.discover()
    try:
        assert extensions.import_count == 0
        declared = {d.id: d for d in manager.get_declared_integrations()}
        assert {"builtin.slack", "builtin.email", "builtin.webhook"} <= declared.keys()
        assert all(
            Path(path).is_file() for path in declared["builtin.slack"].icon_static_urls.values()
        )
    finally:
        extensions.shutdown()


@pytest.mark.parametrize(("module", "imported_to_list"), [("json", True), ("no_such_xyz", False)])
def test_more_with_imports_the_plugin_to_list_it_only_when_the_module_is_installed(
    manager: IntegrationManager,
    extensions: ExtensionManager,
    plugins: Path,
    module: str,
    imported_to_list: bool,
) -> None:
    document = manifest()
    document["extensions"][0]["integrations"] = []  # all come with the module
    document["more_with"] = [module]
    write(plugins, document)
    extensions.discover()
    assert ("pager" in extensions.pending) is imported_to_list
    extensions.get_extensions()  # imports every plugin
    problems = extensions.get_load_errors().get("pager")
    if imported_to_list:  # registering more than declared is expected then
        assert problems is None
    else:
        assert problems is not None and "registered but not declared" in problems.message
