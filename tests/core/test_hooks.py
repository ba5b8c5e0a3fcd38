from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from blinker import Signal

from desktop_integrations import Hook, SignalHook


class Owner:
    def __init__(self) -> None:
        self.hooks: set[Hook] = set()

    @property
    def id(self) -> str:
        return "test.owner"


class FakeQtSignal:
    """Anything with connect/disconnect, like a Qt bound signal."""

    def __init__(self) -> None:
        self.slots: list[Callable[..., Any]] = []

    def connect(self, slot: Callable[..., Any]) -> None:
        self.slots.append(slot)

    def disconnect(self, slot: Callable[..., Any]) -> None:
        self.slots.remove(slot)

    def emit(self, *args: Any) -> None:
        for slot in list(self.slots):
            slot(*args)


def test_hook_registers_with_its_owner_and_disable_undoes_it() -> None:
    owner = Owner()
    hook = Hook(owner)
    assert owner.hooks == {hook}
    assert hook.initialized
    hook.disable_hook()
    assert owner.hooks == set()
    assert not hook.initialized


def test_signal_hook_receives_sender_and_kwargs_until_disabled() -> None:
    owner, signal, heard = Owner(), Signal(), []
    hook = SignalHook(owner, signal, lambda sender, **kw: heard.append((sender, kw)))
    signal.send("me", value=1)
    hook.disable_hook()
    signal.send("me", value=2)
    assert heard == [("me", {"value": 1})]
    assert not signal.receivers


def test_signal_hook_can_listen_to_one_sender() -> None:
    owner, signal, heard = Owner(), Signal(), []
    SignalHook(owner, signal, lambda sender, **kw: heard.append(sender), sender="wanted")
    signal.send("other")
    signal.send("wanted")
    assert heard == ["wanted"]


def test_signal_hook_accepts_qt_style_signals() -> None:
    owner, signal, heard = Owner(), FakeQtSignal(), []
    hook = SignalHook(owner, signal, lambda *args: heard.append(args))
    signal.emit(1, "two")
    hook.disable_hook()
    signal.emit(3)
    assert heard == [(1, "two")]
    assert signal.slots == []


def test_a_failing_callback_is_logged_and_contained(caplog: pytest.LogCaptureFixture) -> None:
    owner, signal, heard = Owner(), Signal(), []

    def explode(sender: object, **kwargs: object) -> None:
        raise RuntimeError("handler bug")

    SignalHook(owner, signal, explode)
    SignalHook(owner, signal, lambda sender, **kw: heard.append(sender))
    with caplog.at_level(logging.ERROR):
        signal.send("sender")
    assert heard == ["sender"]
    assert "test.owner" in caplog.text
    assert "handler bug" in caplog.text


def test_something_that_is_not_a_signal_is_refused() -> None:
    owner = Owner()
    with pytest.raises(TypeError, match=r"test\.owner"):
        SignalHook(owner, object(), print)  # type: ignore[arg-type]
    assert owner.hooks == set()
