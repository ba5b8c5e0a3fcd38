"""Hooks: connections an owner (integration or extension) makes while enabled."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from blinker import ANY, Signal

if TYPE_CHECKING:
    from desktop_integrations.events import Event

logger = logging.getLogger(__name__)

#: Event kinds a hook listens to: one kind or pattern, several, or None for all.
Kinds = str | Iterable[str] | None


def _kind_patterns(kind: Kinds) -> tuple[str, ...]:
    if kind is None:
        return ()
    patterns = (kind,) if isinstance(kind, str) else tuple(kind)
    if not patterns or not all(isinstance(p, str) and p for p in patterns):
        raise TypeError(f"kind must be a non-empty string or strings, not {kind!r}")
    return patterns


def kind_matches(patterns: tuple[str, ...], kind: str) -> bool:
    """Return whether an event kind matches one of ``patterns`` (``"build.*"`` globs)."""
    return any(fnmatchcase(kind, pattern) for pattern in patterns)


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

    ``kind`` keeps only the events of that kind (for ``event_occurred``, or any
    signal sent with an ``event``): ``"build.failed"``, a pattern such as
    ``"build.*"``, or several; signals without an event are then not passed on.

    An exception raised by the callback is logged with the owner's ID and goes
    no further: the sender and the other receivers never see it.
    """

    def initialize(
        self,
        signal: Signal | Connectable,
        callback: Callable[..., Any],
        sender: Any = None,
        kind: Kinds = None,
    ) -> None:
        """Connect ``callback`` to ``signal``."""
        self.signal = signal
        self.callback = callback
        self.sender = ANY if sender is None else sender
        self.kinds = _kind_patterns(kind)
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

    def _wanted(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        if not self.kinds:
            return True
        event = kwargs.get("event")
        if event is None:
            event = next((arg for arg in args if isinstance(getattr(arg, "kind", None), str)), None)
        return event is not None and kind_matches(self.kinds, event.kind)

    def _dispatch(self, *args: Any, **kwargs: Any) -> None:
        if not self._wanted(args, kwargs):
            return
        try:
            self.callback(*args, **kwargs)
        except Exception:
            logger.exception("Signal handler %r of %r failed", self.callback, self.owner.id)


class EventHook(SignalHook):
    """Calls ``callback(event)`` for each emitted event, or those of one kind.

    ``EventHook(self, self.on_build_failed, kind="build.failed")`` in an
    integration's ``initialize()`` replaces a ``SignalHook`` on
    ``event_occurred`` whose handler dispatches on ``event.kind``. ``kind``
    may be a pattern (``"build.*"``) or several kinds; None hears every event.
    The callback runs on the emitter's receiver thread, as any receiver of
    ``event_occurred`` does.
    """

    def __init__(
        self,
        owner: HookOwner,
        callback: Callable[[Event], Any],
        kind: Kinds = None,
        sender: Any = None,
    ) -> None:
        from desktop_integrations.signals import event_occurred

        self.event_callback = callback
        super().__init__(owner, event_occurred, self._on_event, sender, kind)

    def _on_event(self, sender: Any, *, event: Event, **kwargs: Any) -> None:
        self.event_callback(event)
