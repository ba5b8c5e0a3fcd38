"""Hostile plugins against the command line and the app, each in a child process.

Each test writes the plugin into a plugins folder and runs ``list`` (or the app,
offscreen) in a subprocess with a generous time limit: it must finish, exit 0
and name the plugin and the reason, and a well-behaved plugin beside it loads.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

#: Seconds a command may take here; far above what a passing run needs.
RUN_LIMIT = 120
#: The probe's time limit in these runs, in seconds.
PROBE_LIMIT = "3"

GOOD = """
from desktop_integrations import Extension

class GoodExtension(Extension):
    name = "Good"

    def initialize(self):
        print("good plugin running")
"""

# The app, offscreen: print the plugin problems banner once the plugins are
# imported (nothing pending), then quit.
APP = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from desktop_integrations.cli.main import main

app = QApplication(sys.argv[:1])

def check():
    for widget in app.topLevelWidgets():
        banner = getattr(widget, "plugins_banner", None)
        pending = getattr(getattr(widget, "extension_manager", None), "pending", ())
        if banner is not None and banner.text() and not pending:
            print("BANNER:", banner.text(), flush=True)
            app.quit()
            return
    QTimer.singleShot(100, check)

QTimer.singleShot(100, check)
sys.exit(main([]))
"""

HOSTILE = {
    "busy_loop": "while True:\n    pass\n",
    "sleeper": "import time\ntime.sleep(100)\n",
    "exits": "import os\nos._exit(3)\n",
    "segfault": "import ctypes\nctypes.string_at(0)\n",
}
REASONS = {
    "busy_loop": f"did not finish importing within {PROBE_LIMIT} s",
    "sleeper": f"did not finish importing within {PROBE_LIMIT} s",
    "exits": "ended the interpreter while importing (exit status 3",
    "segfault": "crashed the interpreter while importing: signal 11 (SIGSEGV)",
}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    path.chmod(0o644)
    return path


@pytest.fixture
def plugins(tmp_path: Path) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    write(folder / "good.py", GOOD)
    return folder


def run(
    *args: str, app: bool = False, limit: str = PROBE_LIMIT
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DESKTOP_INTEGRATIONS_PROBE_TIMEOUT": limit}
    command = [sys.executable, "-c", APP] if app else [sys.executable, "-m", "desktop_integrations"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=RUN_LIMIT, env=env
    )


def run_list() -> subprocess.CompletedProcess[str]:
    return run("list")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_plugin_that_hangs_or_crashes_on_import_is_reported_by_list(
    plugins: Path, name: str
) -> None:
    write(plugins / f"{name}.py", HOSTILE[name])

    result = run_list()

    assert result.returncode == 0, result.stderr
    assert f"plugin {name!r} is not working" in result.stderr
    assert REASONS[name] in result.stderr
    assert "good plugin running" in result.stdout
    assert "No configurations." in result.stdout


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_plugin_that_hangs_or_crashes_on_import_is_reported_by_the_app(
    plugins: Path, name: str
) -> None:
    write(plugins / f"{name}.py", HOSTILE[name])

    result = run(app=True)

    assert result.returncode == 0, result.stderr
    assert f"1 plugin could not be loaded ({name})" in result.stdout
    assert REASONS[name] in result.stderr
    assert "good plugin running" in result.stdout


def test_the_verdict_is_cached_until_the_plugin_changes(plugins: Path, tmp_path: Path) -> None:
    write(plugins / "sleeper.py", HOSTILE["sleeper"])
    assert REASONS["sleeper"] in run_list().stderr
    cache = tmp_path / "cache" / "plugin-probes.json"
    assert "sleeper.py" in cache.read_text()

    # Not probed again: the message still gives the limit it was probed with.
    result = run("list", limit="7")
    assert REASONS["sleeper"] in result.stderr

    write(plugins / "sleeper.py", GOOD.replace("good plugin", "fixed plugin"))
    result = run_list()
    assert "sleeper" not in result.stderr
    assert "fixed plugin running" in result.stdout


def test_a_segfault_shows_the_plugin_frame_in_the_details(plugins: Path) -> None:
    from desktop_integrations import IntegrationManager
    from desktop_integrations.extensions.manager import ExtensionManager
    from desktop_integrations.storage import ConfigStore

    code = "import ctypes\n\ndef crash():\n    ctypes.string_at(0)\n\ncrash()\n"
    write(plugins / "segfault.py", code)
    store = ConfigStore(plugins.parent / "db.sqlite3")
    extensions = ExtensionManager(IntegrationManager(store), [plugins])
    try:
        extensions.load()
        error = extensions.get_load_errors()["segfault"]
    finally:
        extensions.shutdown()
        store.close()
    assert "signal 11 (SIGSEGV)" in error.message
    assert f'File "{plugins / "segfault.py"}", line 4 in crash' in error.traceback


def test_a_file_name_that_is_not_utf8_is_reported_for_that_entry_only(plugins: Path) -> None:
    (plugins / os.fsdecode(b"caf\xe9.py")).write_text(GOOD)
    os.chmod(plugins / os.fsdecode(b"caf\xe9.py"), 0o644)

    result = run_list()

    assert result.returncode == 0, result.stderr
    assert "plugin 'caf\\\\xe9' is not working" in result.stderr
    assert "the file name 'caf\\\\xe9.py' is not valid UTF-8" in result.stderr
    assert "good plugin running" in result.stdout
    assert "Traceback" not in result.stderr

    app = run(app=True)
    assert app.returncode == 0, app.stderr
    assert "1 plugin could not be loaded (caf\\xe9)" in app.stdout
    assert "good plugin running" in app.stdout


def test_a_shutdown_that_hangs_does_not_keep_list_from_exiting(plugins: Path) -> None:
    write(
        plugins / "slow_exit.py",
        """
        import time
        from desktop_integrations import Extension

        class SlowExit(Extension):
            def shutdown(self):
                time.sleep(100)
        """,
    )

    result = run_list()

    assert result.returncode == 0, result.stderr
    assert "'slow_exit.SlowExit' did not finish shutting down within 5 s" in result.stderr


# Ownership and permissions, as ssh's StrictModes -----------------------------------


def other_user() -> int:
    if os.getuid() != 0:
        pytest.skip("giving a file to another user needs root")
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        subprocess.run(["useradd", "--system", "nobody"], check=False, capture_output=True)
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        pytest.skip("there is no second user ('nobody') and none could be created")


def test_a_plugin_owned_by_another_user_is_refused(plugins: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    evil = write(plugins / "evil.py", f"open({str(marker)!r}, 'w').close()\n")
    os.chown(evil, other_user(), -1)

    result = run_list()

    assert result.returncode == 0, result.stderr
    assert f"{evil} is owned by nobody (uid " in result.stderr
    assert f"take it over with: chown root '{evil}'" in result.stderr
    assert not marker.exists()
    assert "good plugin running" in result.stdout


def test_a_package_file_owned_by_another_user_is_refused(plugins: Path, tmp_path: Path) -> None:
    write(plugins / "pkg" / "__init__.py", "from . import helper\n")
    helper = write(plugins / "pkg" / "helper.py", "")
    os.chown(helper, other_user(), -1)

    result = run_list()

    assert "plugin 'pkg' is not working" in result.stderr
    assert f"{helper} is owned by nobody" in result.stderr


def test_a_plugins_folder_others_can_write_to_refuses_every_plugin(plugins: Path) -> None:
    plugins.chmod(0o777)

    result = run_list()

    assert result.returncode == 0, result.stderr
    assert f"{plugins} can be written by everyone (mode 777)" in result.stderr
    assert f"fix it with: chmod go-w '{plugins}'" in result.stderr
    assert "good plugin running" not in result.stdout


# The crash guard ------------------------------------------------------------------

CRASHES_LATER = {
    "exit_in_initialize": (
        """
        import os
        from desktop_integrations import Extension

        class Quitter(Extension):
            def initialize(self):
                os._exit(4)
        """,
        ["list"],
        "(the app ended while loading it)",
    ),
    "segfault_in_initialize": (
        """
        import ctypes
        from desktop_integrations import Extension

        class Crasher(Extension):
            def initialize(self):
                ctypes.string_at(0)
        """,
        ["list"],
        "(Segmentation fault in initialize(), segfault_in_initialize.py, line 7)",
    ),
    "segfault_in_hook": (
        """
        import ctypes
        from desktop_integrations import Extension, SignalHook
        from desktop_integrations.events import event_occurred

        class Crasher(Extension):
            def initialize(self):
                SignalHook(self, event_occurred, self.on_event)

            def on_event(self, sender, **kwargs):
                ctypes.string_at(0)
        """,
        ["notify", "--title", "Build failed"],
        "(Segmentation fault in on_event(), segfault_in_hook.py, line 11)",
    ),
}


@pytest.mark.parametrize("name", sorted(CRASHES_LATER))
def test_a_plugin_that_crashed_the_app_is_skipped_at_the_next_start(
    plugins: Path, name: str
) -> None:
    from datetime import datetime

    code, command, how = CRASHES_LATER[name]
    path = write(plugins / f"{name}.py", code)
    assert run(*command).returncode != 0  # the crash itself cannot be undone

    result = run_list()

    assert result.returncode == 0, result.stderr
    today = datetime.now().strftime("%Y-%m-%d")
    report = f"plugin {name!r} is not working: Plugin {name!r} ({path}) is disabled: "
    assert report in result.stderr
    assert f"it crashed the app on {today} " in result.stderr
    assert how in result.stderr
    assert "good plugin running" in result.stdout
    # Still skipped at the start after that one.
    assert "is disabled: it crashed the app" in run_list().stderr

    # A changed plugin gets another chance.
    write(plugins / f"{name}.py", GOOD.replace("good plugin", "fixed plugin"))
    result = run_list()
    assert "fixed plugin running" in result.stdout
    assert "crashed" not in result.stderr


def test_try_again_loads_a_plugin_that_crashed_the_app(plugins: Path, tmp_path: Path) -> None:
    from desktop_integrations import IntegrationManager
    from desktop_integrations.extensions.manager import ExtensionManager
    from desktop_integrations.storage import ConfigStore

    flag = tmp_path / "crash-now"
    flag.touch()
    code = CRASHES_LATER["exit_in_initialize"][0].replace(
        "os._exit(4)", f"if os.path.exists({str(flag)!r}): os._exit(4)"
    )
    write(plugins / "flaky.py", code)
    assert run("list").returncode == 4
    flag.unlink()

    def start() -> tuple[ExtensionManager, ConfigStore]:
        store = ConfigStore(tmp_path / "data" / "integrations.sqlite3")
        extensions = ExtensionManager(IntegrationManager(store), [plugins])
        extensions.load()
        return extensions, store

    extensions, store = start()
    try:
        assert "is disabled: it crashed the app" in extensions.get_load_errors()["flaky"].message
        extensions.reload_plugin("flaky")
        assert "flaky" not in extensions.get_load_errors()
        assert extensions.get_extension("flaky.Quitter").instance is not None
    finally:
        extensions.shutdown()
        store.close()
    extensions, store = start()  # and it stays forgiven
    try:
        assert "flaky" not in extensions.get_load_errors()
    finally:
        extensions.shutdown()
        store.close()
