"""ExtensionManager with real plugin files written into a plugins folder."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.extensions.discovery import find_builtin_plugins
from desktop_integrations.extensions.manager import (
    ExtensionManager,
    ExtensionNotFoundError,
    extensions_changed,
)
from desktop_integrations.integration import PLUGIN_PACKAGE

GOOD = """
from desktop_integrations import Extension, Integration, IntegrationHook

class {name}Integration(Integration):
    name = "{name}"

class {name}Extension(Extension):
    name = "{name} extension"
    version = "1.0"

    def initialize(self):
        IntegrationHook(self, {name}Integration)
"""


def write_plugin(folder: Path, relpath: str, text: str, mode: int = 0o644) -> Path:
    """Write a plugin file under ``folder``, with safe permissions unless told."""
    path = folder / relpath
    folder.mkdir(parents=True, exist_ok=True)
    for parent in reversed(path.relative_to(folder).parents[:-1]):
        (folder / parent).mkdir(exist_ok=True)
        (folder / parent).chmod(0o755)
    path.write_text(textwrap.dedent(text))
    path.chmod(mode)
    return path


def good(name: str) -> str:
    return GOOD.format(name=name)


@pytest.fixture
def plugins(tmp_path: Path) -> Path:
    folder = tmp_path / "user-plugins"
    folder.mkdir()
    return folder


@pytest.fixture
def extensions(manager: IntegrationManager, plugins: Path) -> Iterator[ExtensionManager]:
    extension_manager = ExtensionManager(manager, [plugins])
    yield extension_manager
    extension_manager.shutdown()


# Good plugins ----------------------------------------------------------------


def test_module_plugin_registers_its_integration_under_its_own_name(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path
) -> None:
    write_plugin(plugins, "alpha.py", good("Alpha"))
    extensions.load()

    assert manager.get_integration("alpha.AlphaIntegration").name == "Alpha"
    extension = extensions.get_extension("alpha.AlphaExtension")
    assert extension.plugin_name == "alpha"
    assert extension.instance in extensions.get_enabled_extensions()
    assert extensions.get_load_errors() == {}
    assert f"{PLUGIN_PACKAGE}.alpha" in sys.modules


def test_package_plugin_with_relative_imports_and_own_folder(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path
) -> None:
    write_plugin(plugins, "beta/integration.py", good("Beta"))
    write_plugin(
        plugins,
        "beta/__init__.py",
        """
        from .integration import BetaExtension, BetaIntegration
        """,
    )
    extensions.load()

    assert manager.is_registered("beta.integration.BetaIntegration")
    extension = extensions.get_extension("beta.integration.BetaExtension")
    assert extension.plugin_name == "beta"
    assert extension.get_static_url("icons/logo.png") == str(plugins / "beta/icons/logo.png")
    assert extensions.get_load_errors() == {}


def test_plugin_named_like_a_standard_module_does_not_shadow_it(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path
) -> None:
    write_plugin(plugins, "json.py", good("Json") + "\ndef dumps(*args, **kwargs): return 'x'\n")
    extensions.load()

    import json

    assert json.dumps([1]) == "[1]"
    assert manager.is_registered("json.JsonIntegration")


def test_nothing_is_written_into_the_plugins_folder(
    extensions: ExtensionManager, plugins: Path
) -> None:
    write_plugin(plugins, "gamma/__init__.py", "from .sub import *\n")
    write_plugin(plugins, "gamma/sub.py", good("Gamma"))
    extensions.load()

    assert extensions.get_extension("gamma.sub.GammaExtension").instance is not None
    assert sorted(p.name for p in plugins.rglob("*")) == ["__init__.py", "gamma", "sub.py"]


def test_files_that_are_not_plugins_are_ignored(
    extensions: ExtensionManager, plugins: Path
) -> None:
    write_plugin(plugins, "_private.py", "raise RuntimeError('private')\n")
    write_plugin(plugins, ".hidden.py", "raise RuntimeError('hidden')\n")
    write_plugin(plugins, "notes.txt", "not code\n")
    write_plugin(plugins, "icons/logo.py", "raise RuntimeError('not a package')\n")
    extensions.load()

    assert extensions.get_load_errors() == {}
    assert [e for e in extensions.get_extensions() if e.plugin_path is not None] == []


def test_the_default_plugins_folder_is_created(manager: IntegrationManager, tmp_path: Path) -> None:
    extension_manager = ExtensionManager(manager)

    assert extension_manager.plugin_dirs == [tmp_path / "plugins"]
    assert (tmp_path / "plugins").is_dir()


def test_safe_mode_loads_only_built_in_plugins(manager: IntegrationManager, plugins: Path) -> None:
    write_plugin(plugins, "alpha.py", good("Alpha"))
    extension_manager = ExtensionManager(manager, [plugins], safe_mode=True)
    extension_manager.load()
    try:
        assert not manager.is_registered("alpha.AlphaIntegration")
        assert all(e.plugin_path is None for e in extension_manager.get_extensions())
        assert extension_manager.rescan() is False
    finally:
        extension_manager.shutdown()


# Broken plugins ----------------------------------------------------------------

BROKEN: dict[str, tuple[str, str]] = {
    "syntax": ("def broken(:\n", "SyntaxError"),
    "missing_dependency": ("import no_such_module_here\n", "No module named 'no_such_module_here'"),
    "raises": ("raise RuntimeError('cannot start')\n", "RuntimeError: cannot start"),
    "exits": ("import sys\nsys.exit(3)\n", "it called sys.exit(3)"),
    "hostile": (
        "class Hostile(BaseException):\n    pass\nraise Hostile('gotcha')\n",
        "Hostile: gotcha",
    ),
    "failing_initialize": (
        """
        from desktop_integrations import Extension
        class FailingExtension(Extension):
            def initialize(self):
                raise ValueError('no token configured')
        """,
        "ValueError: no token configured",
    ),
    "exits_in_initialize": (
        """
        import sys
        from desktop_integrations import Extension
        class ExitingExtension(Extension):
            def initialize(self):
                sys.exit('bye')
        """,
        "it called sys.exit('bye')",
    ),
    "duplicate_id": (
        """
        from desktop_integrations import Extension, Integration, IntegrationHook
        class Copycat(Integration):
            integration_id = "alpha.AlphaIntegration"
            name = "Copycat"
        class CopycatExtension(Extension):
            def initialize(self):
                IntegrationHook(self, Copycat)
        """,
        "IntegrationAlreadyRegisteredError",
    ),
    "invalid_declaration": (
        """
        from desktop_integrations import (
            Extension, Integration, IntegrationConfigForm, IntegrationHook)
        class Form(IntegrationConfigForm):
            class Meta:
                fieldsets = ((None, {"fields": ("no_such_field",)}),)
        class Invalid(Integration):
            name = "Invalid"
            config_form_cls = Form
        class InvalidExtension(Extension):
            def initialize(self):
                IntegrationHook(self, Invalid)
        """,
        "IntegrationRegistrationError",
    ),
    "no_extension": ("X = 1\n", "it defines no Extension subclass"),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_plugin_is_reported_and_the_others_still_load(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path, kind: str
) -> None:
    write_plugin(plugins, "alpha.py", good("Alpha"))
    source, cause = BROKEN[kind]
    path = write_plugin(plugins, f"{kind}.py", source)
    write_plugin(plugins, "zeta.py", good("Zeta"))
    extensions.load()

    assert manager.is_registered("alpha.AlphaIntegration")
    assert manager.is_registered("zeta.ZetaIntegration")
    errors = extensions.get_load_errors()
    assert list(errors) == [kind]
    assert str(path) in errors[kind].message
    assert cause in errors[kind].message
    assert errors[kind].path == path
    if kind != "no_extension":
        assert f'File "{path}"' in errors[kind].traceback


def test_invalid_declaration_names_the_class_and_field(
    extensions: ExtensionManager, plugins: Path
) -> None:
    write_plugin(plugins, "invalid.py", BROKEN["invalid_declaration"][0])
    extensions.load()

    message = extensions.get_load_errors()["invalid"].message
    assert "Invalid" in message
    assert "no_such_field" in message


def test_failed_initialize_leaves_no_integration_half_registered(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path
) -> None:
    write_plugin(
        plugins,
        "half.py",
        """
        from desktop_integrations import Extension, Integration, IntegrationHook
        class First(Integration):
            name = "First"
        class HalfExtension(Extension):
            def initialize(self):
                IntegrationHook(self, First)
                raise RuntimeError("second step failed")
        """,
    )
    extensions.load()

    assert not manager.is_registered("half.First")
    assert extensions.get_extension("half.HalfExtension").instance is None
    assert "second step failed" in extensions.get_load_errors()["half"].message


def test_keyboard_interrupt_is_not_swallowed(extensions: ExtensionManager, plugins: Path) -> None:
    write_plugin(plugins, "interrupted.py", "raise KeyboardInterrupt\n")

    with pytest.raises(KeyboardInterrupt):
        extensions.load()


def test_a_plugin_name_that_is_not_a_module_name_is_refused(
    extensions: ExtensionManager, plugins: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    write_plugin(plugins, "my-plugin.py", f"open({str(marker)!r}, 'w').close()\n")
    write_plugin(plugins, "2fa.py", good("Digits"))
    extensions.load()

    assert "rename it to 'my_plugin'" in extensions.get_load_errors()["my-plugin"].message
    assert "rename it to 'plugin_2fa'" in extensions.get_load_errors()["2fa"].message
    assert not marker.exists()


def test_same_plugin_name_in_two_folders_loads_the_first(
    manager: IntegrationManager, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write_plugin(first, "alpha.py", good("Alpha"))
    write_plugin(second, "alpha.py", good("Other"))
    extension_manager = ExtensionManager(manager, [first, second])
    extension_manager.load()
    try:
        assert manager.is_registered("alpha.AlphaIntegration")
        assert not manager.is_registered("alpha.OtherIntegration")
        message = extension_manager.get_load_errors()["alpha"].message
        assert str(second / "alpha.py") in message
        assert str(first / "alpha.py") in message
    finally:
        extension_manager.shutdown()


# Permissions ---------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize(
    ("relpath", "mode"),
    [
        ("unsafe.py", 0o666),
        ("unsafe.py", 0o664),
        ("unsafe.py", 0o646),
        ("unsafe/__init__.py", 0o664),
        ("unsafe/helpers.py", 0o646),
        ("unsafe", 0o777),
    ],
)
def test_a_plugin_others_can_write_to_is_refused_without_running_it(
    extensions: ExtensionManager, plugins: Path, tmp_path: Path, relpath: str, mode: int
) -> None:
    marker = tmp_path / "ran"
    code = f"open({str(marker)!r}, 'w').close()\n" + good("Unsafe")
    if relpath.startswith("unsafe/") or relpath == "unsafe":
        write_plugin(plugins, "unsafe/__init__.py", code)
        write_plugin(plugins, "unsafe/helpers.py", "")
    else:
        write_plugin(plugins, relpath, code)
    (plugins / relpath).chmod(mode)
    extensions.load()

    error = extensions.get_load_errors()["unsafe"]
    who = "everyone" if mode & 0o002 else "its group"
    assert f"{plugins / relpath} can be written by {who} (mode {mode:o})" in error.message
    assert f"fix it with: chmod go-w '{plugins / relpath}'" in error.message
    assert not marker.exists()

    (plugins / relpath).chmod(0o755 if (plugins / relpath).is_dir() else 0o644)
    assert extensions.rescan() is True
    assert marker.exists()
    assert extensions.get_load_errors() == {}


# Enabling and disabling -----------------------------------------------------------


def test_disable_and_enable_persist_across_a_restart(
    manager: IntegrationManager, plugins: Path
) -> None:
    write_plugin(plugins, "alpha.py", good("Alpha"))
    first = ExtensionManager(manager, [plugins])
    first.load()
    config = manager.get_integration("alpha.AlphaIntegration").create_config(
        enabled=True, name="Ops", save=True
    )
    first.disable_extension("alpha.AlphaExtension")
    assert not manager.is_registered("alpha.AlphaIntegration")
    assert first.get_extension("alpha.AlphaExtension").instance is None
    first.shutdown()

    second = ExtensionManager(manager, [plugins])
    second.load()
    try:
        assert second.get_extension("alpha.AlphaExtension").instance is None
        assert not manager.is_registered("alpha.AlphaIntegration")
        assert [c.name for c in manager.get_integration_configs("alpha.AlphaIntegration")] == [
            "Ops"
        ]

        assert second.enable_extension("alpha.AlphaExtension") is True
        integration = manager.get_integration("alpha.AlphaIntegration")
        assert integration.enabled  # its configuration is enabled
        assert [c.id for c in integration.get_configs()] == [config.id]
    finally:
        second.shutdown()
    assert manager.store.extension_enabled("alpha.AlphaExtension") is True


def test_enabling_an_extension_whose_initialize_fails_reports_it(
    extensions: ExtensionManager, plugins: Path
) -> None:
    write_plugin(plugins, "failing.py", BROKEN["failing_initialize"][0])
    extensions.load()
    extensions.disable_extension("failing.FailingExtension")
    assert extensions.get_load_errors() == {}

    assert extensions.enable_extension("failing.FailingExtension") is False
    assert "no token configured" in extensions.get_load_errors()["failing"].message


def test_unknown_extension_id_is_a_clear_error(extensions: ExtensionManager) -> None:
    extensions.load()

    with pytest.raises(ExtensionNotFoundError, match=r"'nope\.Nope'"):
        extensions.enable_extension("nope.Nope")


# Rescanning ------------------------------------------------------------------------


def test_rescan_with_nothing_changed_imports_nothing(
    extensions: ExtensionManager, plugins: Path
) -> None:
    write_plugin(plugins, "alpha.py", good("Alpha"))
    write_plugin(plugins, "beta/__init__.py", good("Beta"))
    write_plugin(plugins, "broken.py", "def broken(:\n")
    extensions.load()
    imports = extensions.import_count
    received: list[Any] = []
    extensions_changed.connect(received.append)
    try:
        assert extensions.rescan() is False
    finally:
        extensions_changed.disconnect(received.append)

    assert extensions.import_count == imports
    assert received == []


def test_rescan_picks_up_added_changed_and_removed_plugins(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path, tmp_path: Path
) -> None:
    log = tmp_path / "log.txt"
    plugin = """
        from desktop_integrations import Extension, Integration, IntegrationHook
        LOG = {log!r}
        class Watched(Integration):
            name = "{title}"
        class WatchedExtension(Extension):
            def initialize(self):
                with open(LOG, "a") as log:
                    log.write("start {title}\\n")
                IntegrationHook(self, Watched)
            def shutdown(self):
                with open(LOG, "a") as log:
                    log.write("stop {title}\\n")
        """
    extensions.load()

    write_plugin(plugins, "watched.py", plugin.format(log=str(log), title="One"))
    assert extensions.rescan() is True
    config = manager.get_integration("watched.Watched").create_config(
        enabled=True, name="Kept", save=True
    )

    write_plugin(plugins, "watched.py", plugin.format(log=str(log), title="Two"))
    assert extensions.rescan() is True
    assert manager.get_integration("watched.Watched").name == "Two"
    assert log.read_text().splitlines() == ["start One", "stop One", "start Two"]

    (plugins / "watched.py").unlink()
    assert extensions.rescan() is True
    assert not manager.is_registered("watched.Watched")
    kept = manager.get_integration_configs("watched.Watched")
    assert [(c.id, c.is_available) for c in kept] == [(config.id, False)]

    write_plugin(plugins, "watched.py", plugin.format(log=str(log), title="Three"))
    assert extensions.rescan() is True
    assert [c.name for c in manager.get_integration("watched.Watched").get_configs()] == ["Kept"]


def test_rescan_reloads_a_changed_submodule_of_a_package(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path
) -> None:
    write_plugin(plugins, "pack/__init__.py", "from .impl import *\n")
    write_plugin(plugins, "pack/impl.py", good("Old"))
    extensions.load()
    assert manager.is_registered("pack.impl.OldIntegration")

    write_plugin(plugins, "pack/impl.py", good("New"))
    assert extensions.rescan() is True

    assert manager.is_registered("pack.impl.NewIntegration")
    assert not manager.is_registered("pack.impl.OldIntegration")
    assert f"{PLUGIN_PACKAGE}.pack.impl" in sys.modules


def test_a_fixed_plugin_loads_on_rescan(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path
) -> None:
    write_plugin(plugins, "alpha.py", "def broken(:\n")
    extensions.load()
    assert "alpha" in extensions.get_load_errors()

    write_plugin(plugins, "alpha.py", good("Alpha"))
    assert extensions.rescan() is True

    assert manager.is_registered("alpha.AlphaIntegration")
    assert extensions.get_load_errors() == {}


def test_reload_plugin_retries_a_failed_plugin(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path, tmp_path: Path
) -> None:
    flag = tmp_path / "ready"
    write_plugin(
        plugins,
        "flaky.py",
        f"import os\nif not os.path.exists({str(flag)!r}):\n    raise OSError('not ready')\n"
        + good("Flaky"),
    )
    extensions.load()
    assert "not ready" in extensions.get_load_errors()["flaky"].message
    assert extensions.rescan() is False  # the file did not change

    flag.touch()
    extensions.reload_plugin("flaky")

    assert manager.is_registered("flaky.FlakyIntegration")
    assert extensions.get_load_errors() == {}
    with pytest.raises(ExtensionNotFoundError, match="'nope'"):
        extensions.reload_plugin("nope")


def test_shutdown_unregisters_every_integration_and_keeps_the_states(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path
) -> None:
    write_plugin(plugins, "alpha.py", good("Alpha"))
    extensions.load()
    extensions.shutdown()

    assert manager.get_integrations() == []
    assert extensions.get_extensions() == []
    assert f"{PLUGIN_PACKAGE}.alpha" not in sys.modules
    assert manager.store.extension_enabled("alpha.AlphaExtension") is None


# Hostile and unusual plugins ---------------------------------------------------------


def test_sys_exit_in_shutdown_does_not_stop_a_rescan(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path
) -> None:
    write_plugin(
        plugins,
        "clingy.py",
        good("Clingy")
        + """
def _refuse(self):
    import sys
    sys.exit("not leaving")
ClingyExtension.shutdown = _refuse
""",
    )
    write_plugin(plugins, "alpha.py", good("Alpha"))
    extensions.load()

    (plugins / "clingy.py").unlink()
    assert extensions.rescan() is True

    assert not manager.is_registered("clingy.ClingyIntegration")
    assert manager.is_registered("alpha.AlphaIntegration")


def test_an_exception_whose_message_cannot_be_read_is_still_reported(
    extensions: ExtensionManager, plugins: Path
) -> None:
    write_plugin(
        plugins,
        "mute.py",
        """
        class Mute(Exception):
            def __str__(self):
                raise RuntimeError("no")
        raise Mute()
        """,
    )
    extensions.load()

    assert "Mute: <the error's message could not be read>" in (
        extensions.get_load_errors()["mute"].message
    )


def test_a_subclass_extension_has_its_own_state(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path
) -> None:
    write_plugin(
        plugins,
        "family.py",
        good("Parent")
        + """
class ChildIntegration(Integration):
    name = "Child"

class ChildExtension(ParentExtension):
    def initialize(self):
        IntegrationHook(self, ChildIntegration)
""",
    )
    extensions.load()
    extensions.disable_extension("family.ChildExtension")

    assert extensions.get_extension("family.ChildExtension").instance is None
    assert extensions.get_extension("family.ParentExtension").instance is not None
    assert manager.is_registered("family.ParentIntegration")
    assert not manager.is_registered("family.ChildIntegration")


def test_an_extension_id_that_is_not_a_string_is_reported(
    extensions: ExtensionManager, plugins: Path
) -> None:
    write_plugin(
        plugins,
        "numbered.py",
        """
        from desktop_integrations import Extension
        class NumberedExtension(Extension):
            id = 42
        """,
    )
    extensions.load()

    assert "the 'id' of NumberedExtension must be a string, not 42" in (
        extensions.get_load_errors()["numbered"].message
    )


def test_state_changes_are_announced(extensions: ExtensionManager, plugins: Path) -> None:
    from desktop_integrations.signals import extension_disabled, extension_enabled

    events: list[tuple[str, Any]] = []

    def on_enabled(sender: Any) -> None:
        events.append(("enabled", type(sender).id))

    def on_disabled(sender: Any) -> None:
        events.append(("disabled", type(sender).id))

    def on_changed(sender: Any) -> None:
        events.append(("changed", sender))

    extension_enabled.connect(on_enabled)
    extension_disabled.connect(on_disabled)
    extensions_changed.connect(on_changed)
    try:
        extensions.load()
        events.clear()
        write_plugin(plugins, "alpha.py", good("Alpha"))
        extensions.rescan()
        extensions.disable_extension("alpha.AlphaExtension")
        write_plugin(plugins, "broken.py", "def broken(:\n")
        extensions.rescan()
    finally:
        extension_enabled.disconnect(on_enabled)
        extension_disabled.disconnect(on_disabled)
        extensions_changed.disconnect(on_changed)

    assert events == [
        ("enabled", "alpha.AlphaExtension"),
        ("changed", extensions),
        ("disabled", "alpha.AlphaExtension"),
        ("changed", extensions),
        ("changed", extensions),
    ]


def test_an_edit_keeping_size_and_modification_time_is_still_seen(
    extensions: ExtensionManager, manager: IntegrationManager, plugins: Path
) -> None:
    # Two saves within one tick of the file system's clock look just like this.
    path = write_plugin(plugins, "quick.py", good("Aaaa"))
    extensions.load()
    before = path.stat()

    write_plugin(plugins, "quick.py", good("Bbbb"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert extensions.rescan() is True

    assert manager.is_registered("quick.BbbbIntegration")
    assert not manager.is_registered("quick.AaaaIntegration")


def test_a_plugin_named_like_a_built_in_one_is_reported_and_the_built_in_kept(
    extensions: ExtensionManager, plugins: Path
) -> None:
    builtin = find_builtin_plugins()[0].name
    path = write_plugin(plugins, f"{builtin}.py", good("Impostor"))
    extensions.load()

    message = extensions.get_load_errors()[builtin].message
    assert f"({path}) was not loaded: Built-in plugin {builtin!r} has the same name" in message
    assert all(cls.plugin_path is None for cls in extensions.get_extensions())
