"""A gate that test plugins stop at while they are imported, until the test opens it.

A plugin written by :func:`gated_plugin` calls :meth:`Gate.hold` while its
module's code runs, in the test's process only (the probe's child process
never imports this module, so there the plugin imports at once).
"""

from __future__ import annotations

import textwrap
import threading

#: Seconds a held plugin waits before giving up, so that a test that fails never hangs.
GIVE_UP = 10.0


class Gate:
    """Where gated plugins wait; records where and how each one's import ran."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.threads: dict[str, int] = {}
        self.imports: list[str] = []
        self.gave_up: list[str] = []

    def hold(self, name: str) -> None:
        """Called by a plugin's module code: record it, then wait for :attr:`release`."""
        self.imports.append(name)
        self.threads[name] = threading.get_ident()
        self.started.set()
        if not self.release.wait(GIVE_UP):
            self.gave_up.append(name)

    def note(self, name: str) -> None:
        """Called by a plugin's module code that does not wait: record it."""
        self.imports.append(name)
        self.threads[name] = threading.get_ident()


#: The gate of the running test (see the ``plugin_gate`` fixtures).
current: Gate | None = None


def gated_plugin(name: str, integration_id: str, *, hold: bool = True, fail: str = "") -> str:
    """The source of a plugin that stops at the gate (or only notes its import)."""
    call = "hold" if hold else "note"
    raising = f"raise RuntimeError({fail!r})" if fail else ""
    return textwrap.dedent(
        f"""
        import sys

        from desktop_integrations import Extension, Integration, IntegrationHook

        _gate = getattr(sys.modules.get("tests.plugin_gate"), "current", None)
        if _gate is not None:
            _gate.{call}(__name__)
        {raising}

        class GatedIntegration(Integration):
            integration_id = {integration_id!r}
            name = {name!r}

        class GatedExtension(Extension):
            name = {name + " extension"!r}

            def initialize(self):
                IntegrationHook(self, GatedIntegration)
        """
    )


def install() -> Gate:
    """Give the running test a fresh gate."""
    global current
    current = Gate()
    return current


def remove() -> None:
    """Open the test's gate (a plugin still held goes on) and forget it."""
    global current
    if current is not None:
        current.release.set()
    current = None
