"""Plugins imported on a worker thread and registered on the thread that owns the manager."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.extensions import background
from desktop_integrations.extensions.manager import ExtensionManager
from desktop_integrations.signals import extensions_changed
from tests import plugin_gate
from tests.plugin_gate import Gate, gated_plugin
from tests.plugins import test_manifests as manifests
from tests.plugins.test_extension_manager import good, write_plugin


@pytest.fixture
def gate() -> Iterator[Gate]:
    yield plugin_gate.install()
    plugin_gate.remove()


@pytest.fixture
def plugins(tmp_path: Path) -> Path:
    folder = tmp_path / "user-plugins"
    folder.mkdir()
    return folder


@pytest.fixture
def extensions(manager: IntegrationManager, plugins: Path) -> Iterator[ExtensionManager]:
    extension_manager = ExtensionManager(manager, [plugins], safe_mode=False)
    yield extension_manager
    extension_manager.shutdown()


FOLDER = ("delta", "alpha", "charlie", "bravo")


def folder_integrations(manager: IntegrationManager) -> list[str]:
    """The IDs of the registered integrations of folder plugins, in registration order."""
    ids = [integration.integration_id for integration in manager.get_integrations()]
    return [integration_id for integration_id in ids if integration_id.split(".")[0] in FOLDER]


class Owner:
    """The owner's side: ``ready`` (called from the worker) wakes :meth:`finish_all`."""

    def __init__(self, extensions: ExtensionManager) -> None:
        self.extensions = extensions
        self.wake = threading.Event()
        self.calls = 0

    def ready(self) -> None:
        self.calls += 1
        self.wake.set()

    def finish_all(self) -> None:
        """Register whatever the worker imports, on this thread, until nothing is left."""
        while True:
            assert self.wake.wait(30), "the worker never said that plugins were imported"
            self.wake.clear()
            if not self.extensions.finish_imports():
                return


def import_until_held(extensions: ExtensionManager, gate: Gate) -> Owner:
    """Start the background imports; return once a held plugin's import has begun."""
    owner = Owner(extensions)
    assert extensions.import_in_background(owner.ready)  # returns while the import is held
    assert gate.started.wait(30)
    return owner


def test_a_plugin_imports_on_a_worker_and_registers_on_the_owners_thread(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path, gate: Gate
) -> None:
    write_plugin(plugins, "pager.py", gated_plugin("Pager", "tests.pager"))
    extensions.discover()
    owner = import_until_held(extensions, gate)
    assert "tests.pager" not in [i.integration_id for i in manager.get_integrations()]
    assert extensions.finish_imports() is True  # still importing: nothing to register yet
    gate.release.set()
    owner.finish_all()

    assert manager.get_integration("tests.pager").name == "Pager"
    assert gate.threads["desktop_integrations_plugins.pager"] != threading.get_ident()
    assert gate.gave_up == []
    assert extensions.pending == ()


def test_background_imports_register_in_the_order_a_plain_load_does(
    manager: IntegrationManager, plugins: Path, gate: Gate
) -> None:
    for name in FOLDER:
        write_plugin(plugins, f"{name}.py", good(name.capitalize()))
    plain = ExtensionManager(manager, [plugins])
    plain.load()
    expected = folder_integrations(manager)
    assert len(expected) == 4
    plain.shutdown()
    extensions = ExtensionManager(manager, [plugins])
    changes: list[object] = []

    def changed(sender: object) -> None:
        changes.append(sender)

    extensions_changed.connect(changed, sender=extensions)
    owner = Owner(extensions)
    try:
        extensions.import_in_background(owner.ready)
        owner.finish_all()
        assert folder_integrations(manager) == expected
        assert changes  # the lists are told once the plugins are registered
    finally:
        extensions_changed.disconnect(changed, sender=extensions)
        extensions.shutdown()


def test_asking_for_a_plugin_the_worker_holds_imports_nothing_twice(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path, gate: Gate
) -> None:
    write_plugin(plugins, "aa_held.py", gated_plugin("Held", "tests.held"))
    write_plugin(plugins, "bb_after.py", gated_plugin("After", "tests.after", hold=False))
    extensions.discover()
    import_until_held(extensions, gate)
    # bb_after waits behind the held import: taken over here; aa_held is waited for.
    threading.Timer(0.05, gate.release.set).start()
    ids = [cls.id for cls in extensions.get_extensions() if cls.plugin_name.startswith("aa_")]
    ids += [cls.id for cls in extensions.get_extensions() if cls.plugin_name.startswith("bb_")]

    assert ids == ["aa_held.GatedExtension", "bb_after.GatedExtension"]
    assert sorted(gate.imports) == [
        "desktop_integrations_plugins.aa_held",
        "desktop_integrations_plugins.bb_after",
    ]
    assert extensions.finish_imports() is False
    assert manager.get_integration("tests.after").name == "After"


def test_a_plugin_that_fails_on_the_worker_is_reported_and_the_others_load(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path, gate: Gate
) -> None:
    write_plugin(plugins, "broken.py", gated_plugin("Broken", "t.b", hold=False, fail="no DB"))
    write_plugin(plugins, "leaving.py", "import sys\nsys.exit(3)\n")
    write_plugin(plugins, "fine.py", good("Fine"))
    extensions.discover()
    owner = Owner(extensions)
    extensions.import_in_background(owner.ready)
    owner.finish_all()

    errors = extensions.get_load_errors()
    assert sorted(errors) == ["broken", "leaving"]
    assert "RuntimeError: no DB" in errors["broken"].message
    assert errors["broken"].location().startswith("broken.py, line ")
    assert "sys.exit(3)" in errors["leaving"].message
    assert gate.threads["desktop_integrations_plugins.broken"] != threading.get_ident()
    assert manager.get_integration("fine.FineIntegration").name == "Fine"


def test_shutdown_while_a_plugin_is_being_imported_returns_and_registers_nothing(
    manager: IntegrationManager, plugins: Path, gate: Gate
) -> None:
    write_plugin(plugins, "pager.py", gated_plugin("Pager", "tests.pager"))
    write_plugin(plugins, "zz_later.py", gated_plugin("Later", "tests.later", hold=False))
    extensions = ExtensionManager(manager, [plugins], shutdown_timeout=0.05)
    owner = import_until_held(extensions, gate)

    extensions.shutdown()  # the held import is left to its thread
    calls = owner.calls
    worker = next(t for t in threading.enumerate() if t.name == "plugin-imports")
    gate.release.set()
    worker.join(30)

    assert not worker.is_alive()
    assert owner.calls == calls  # nothing announced after the shutdown
    assert "desktop_integrations_plugins.zz_later" not in gate.imports  # never started
    assert "tests.pager" not in [i.integration_id for i in manager.get_integrations()]
    assert extensions.finish_imports() is False


def test_a_rescan_while_plugins_import_in_the_background_loads_each_once(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path, gate: Gate
) -> None:
    write_plugin(plugins, "pager.py", gated_plugin("Pager", "tests.pager"))
    extensions.discover()
    owner = import_until_held(extensions, gate)
    write_plugin(plugins, "added.py", gated_plugin("Added", "tests.added", hold=False))

    assert extensions.rescan() is True  # the new plugin is loaded now; the held one goes on
    assert manager.get_integration("tests.added").name == "Added"
    gate.release.set()
    owner.finish_all()

    assert manager.get_integration("tests.pager").name == "Pager"
    assert gate.imports == [
        "desktop_integrations_plugins.pager",
        "desktop_integrations_plugins.added",
    ]


def test_removing_a_plugin_while_it_imports_in_the_background_unloads_it(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path, gate: Gate
) -> None:
    path = write_plugin(plugins, "pager.py", gated_plugin("Pager", "tests.pager"))
    extensions.discover()
    import_until_held(extensions, gate)
    path.unlink()
    threading.Timer(0.05, gate.release.set).start()

    assert extensions.rescan() is True  # waits for the import it must undo
    assert extensions.finish_imports() is False
    assert "tests.pager" not in [i.integration_id for i in manager.get_integrations()]
    assert extensions.get_load_errors() == {}


def test_imports_are_announced_in_batches_and_the_last_ones_at_once(
    extensions: ExtensionManager,
    manager: IntegrationManager,
    plugins: Path,
    gate: Gate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each announcement costs the owner a turn of its event loop: not one per plugin.
    monkeypatch.setattr(background, "ANNOUNCE_INTERVAL", 600.0)
    write_plugin(plugins, "aa_first.py", gated_plugin("First", "tests.first", hold=False))
    write_plugin(plugins, "bb_held.py", gated_plugin("Held", "tests.held"))
    write_plugin(plugins, "cc_last.py", gated_plugin("Last", "tests.last", hold=False))
    extensions.discover()
    owner = import_until_held(extensions, gate)  # the plugins before bb_held are imported

    assert owner.calls == 0
    gate.release.set()
    owner.finish_all()  # announced once the queue ran dry, not after the interval
    assert [manager.get_integration(f"tests.{n}").name for n in ("first", "held", "last")] == [
        "First",
        "Held",
        "Last",
    ]


def test_imports_finished_before_a_slow_one_are_announced_while_it_runs(
    extensions: ExtensionManager,
    manager: IntegrationManager,
    plugins: Path,
    gate: Gate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(background, "ANNOUNCE_INTERVAL", 0.05)
    write_plugin(plugins, "aa_first.py", gated_plugin("First", "tests.first", hold=False))
    write_plugin(plugins, "bb_held.py", gated_plugin("Held", "tests.held"))
    extensions.discover()
    owner = import_until_held(extensions, gate)

    assert owner.wake.wait(30)
    assert gate.gave_up == []  # announced while bb_held still imports
    owner.wake.clear()
    assert extensions.finish_imports(budget=60) is True  # up to the import under way
    assert manager.get_integration("tests.first").name == "First"
    assert "tests.held" not in [i.integration_id for i in manager.get_integrations()]
    gate.release.set()
    owner.finish_all()
    assert manager.get_integration("tests.held").name == "Held"


def test_plugins_needed_only_to_start_integrations_wait_for_the_listing(
    extensions: ExtensionManager,
    manager: IntegrationManager,
    plugins: Path,
    gate: Gate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The window shows the complete listing before they compete with it.
    monkeypatch.setattr(background, "ANNOUNCE_INTERVAL", 0.01)
    write_plugin(plugins, "aa_listed.py", gated_plugin("Listed", "tests.listed"))
    pager = manifests.write(plugins, manifests.manifest())
    manifests.store_config(manager, enabled=True)
    extensions.discover()
    assert extensions.pending[-2:] == ("aa_listed", "pager")  # after those to list
    owner = import_until_held(extensions, gate)
    worker = next(t for t in threading.enumerate() if t.name == "plugin-imports")
    gate.release.set()
    worker.join(30)

    assert not worker.is_alive()
    assert not manifests.imported(pager)  # held while aa_listed waits to be registered
    owner.finish_all()
    assert manager.get_integration("tests.listed").name == "Listed"
    assert manifests.imported(pager)
    assert manager.get_integration("pager.integration").enabled


def test_held_plugins_import_when_the_last_one_to_list_is_removed_meanwhile(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path, gate: Gate
) -> None:
    listed = write_plugin(plugins, "aa_listed.py", gated_plugin("Listed", "tests.listed"))
    pager = manifests.write(plugins, manifests.manifest())
    manifests.store_config(manager, enabled=True)
    extensions.discover()
    owner = import_until_held(extensions, gate)
    assert extensions.finish_imports(budget=60) is True  # all before aa_listed
    listed.unlink()
    threading.Timer(0.05, gate.release.set).start()

    assert extensions.rescan() is True  # the listing is complete without it
    owner.finish_all()
    assert manifests.imported(pager)
    assert manager.get_integration("pager.integration").enabled
    assert "tests.listed" not in [i.integration_id for i in manager.get_integrations()]
