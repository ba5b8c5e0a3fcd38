"""Hooks: connections an owner (integration or extension) makes while enabled."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from blinker import ANY, Signal

logger = logging.getLogger(__name__)


class HookOwner(Protocol):
    """Anything that owns hooks: an integration or an extension."""

    @property
    def id(self) -> str:
        """The owner's identifier, used in log messages."""
        ...

    hooks: set[Hook]


@runtime_checkable
class Connectable(Protocol):
    """A non-blinker signal: a Qt bound signal, a psygnal signal..."""

    def connect(self, slot: Callable[..., Any], /) -> Any:
        """Connect ``slot``."""
        ...

    def disconnect(self, slot: Callable[..., Any], /) -> Any:
        """Disconnect ``slot``."""
        ...


class Hook:
    """Base class for hooks.

    A hook registers itself in ``owner.hooks`` and calls :meth:`initialize`
    with the remaining arguments. :meth:`disable_hook` undoes it; owners call it
    for every hook when they shut down.

    Attributes:
        owner: The integration or extension that owns the hook.
        initialized: Whether the hook is active.
    """

    def __init__(self, owner: HookOwner, *args: Any, **kwargs: Any) -> None:
        self.owner = owner
        self.initialized = False
        self.initialize(*args, **kwargs)
        self.initialized = True
        owner.hooks.add(self)

    def initialize(self, *args: Any, **kwargs: Any) -> None:
        """Set the hook up. Subclasses override this."""

    def shutdown(self) -> None:
        """Tear the hook down. Subclasses override this."""

    def disable_hook(self) -> None:
        """Shut the hook down and remove it from its owner."""
        if self.initialized:
            self.shutdown()
            self.initialized = False
        self.owner.hooks.discard(self)


class SignalHook(Hook):
    """Connects a callback to a signal for as long as its owner is enabled.

    ``signal`` is a blinker signal (the callback receives ``sender`` and the
    keyword arguments, and ``sender`` restricts which senders it hears), or
    anything with ``connect``/``disconnect`` such as a Qt bound signal (the
    callback receives the signal's arguments).

    An exception raised by the callback is logged with the owner's ID and goes
    no further: the sender and the other receivers never see it.
    """

    def initialize(
        self,
        signal: Signal | Connectable,
        callback: Callable[..., Any],
        sender: Any = None,
    ) -> None:
        """Connect ``callback`` to ``signal``."""
        self.signal = signal
        self.callback = callback
        self.sender = ANY if sender is None else sender
        if isinstance(signal, Signal):
            signal.connect(self._dispatch, sender=self.sender, weak=False)
        elif isinstance(signal, Connectable):
            signal.connect(self._dispatch)
        else:
            raise TypeError(
                f"SignalHook for {self.owner.id!r}: {signal!r} is not a blinker "
                f"signal and has no connect()/disconnect()"
            )

    def shutdown(self) -> None:
        """Disconnect the callback."""
        if isinstance(self.signal, Signal):
            self.signal.disconnect(self._dispatch, sender=self.sender)
        else:
            self.signal.disconnect(self._dispatch)

    def _dispatch(self, *args: Any, **kwargs: Any) -> None:
        try:
            self.callback(*args, **kwargs)
        except Exception:
            logger.exception("Signal handler %r of %r failed", self.callback, self.owner.id)
