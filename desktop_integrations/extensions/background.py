"""Importing plugin modules on a worker thread, registering them on the owner's thread.

An :class:`ImportJob` is one plugin's import (its module's code runs, its
Extension subclasses are found); it runs on whichever thread takes it first:
the :class:`ImportWorker`'s thread, or the owner's thread when the owner needs
the plugin at once. Registering what it found (running extension code such as
``initialize()``) stays with the extension manager, on the thread that owns it.
Nothing here knows of Qt: the owner is told that results wait through a plain
callable, which a GUI turns into a queued call onto its own thread. While
imports go on, finished ones are announced in batches (see
:data:`ANNOUNCE_INTERVAL`).
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from desktop_integrations.extensions.bytecode import BytecodeCache
from desktop_integrations.extensions.discovery import PluginSource
from desktop_integrations.extensions.extension import Extension
from desktop_integrations.extensions.gate import Gate
from desktop_integrations.extensions.loader import extension_classes, forget_modules, import_plugin

logger = logging.getLogger(__name__)

_Owner = TypeVar("_Owner")

#: Seconds the owner is left alone between two announcements while imports go on.
#: Each one costs it a turn of its event loop and two hand-overs of the interpreter
#: lock, which for a thousand quick plugins took longer than registering them.
ANNOUNCE_INTERVAL = 0.05


class _State(enum.Enum):
    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"


class ImportJob(Generic[_Owner]):
    """One plugin's import, run once, on the first thread that takes it.

    Args:
        owner: What the extension manager keeps for the plugin; a job whose
            owner was unloaded meanwhile is dropped.
        source: The plugin.
        digest: Its fingerprint, for the crash guard.
        bytecode: Where a folder plugin's compiled code is cached (default: the
            user cache folder's).

    Attributes:
        classes: The Extension subclasses it defines, once done without error.
        error: What its import raised (``SystemExit`` included), once done.
    """

    def __init__(
        self,
        owner: _Owner,
        source: PluginSource,
        digest: str | None,
        bytecode: BytecodeCache | None = None,
    ) -> None:
        self.owner = owner
        self.source = source
        self.digest = digest
        self.bytecode = bytecode
        self.classes: list[type[Extension]] = []
        self.error: BaseException | None = None
        self._state = _State.WAITING
        self._lock = threading.Lock()
        self._done = threading.Event()

    @property
    def done(self) -> bool:
        """Whether the import ran to its end (with or without an error)."""
        return self._done.is_set()

    def take(self) -> bool:
        """Claim the job for the calling thread; False if another thread took it first."""
        with self._lock:
            if self._state is not _State.WAITING:
                return False
            self._state = _State.RUNNING
            return True

    def cancel(self) -> bool:
        """Make sure the job never runs; False if it is running or ran already."""
        with self._lock:
            if self._state is _State.WAITING:
                self._state = _State.CANCELLED
            return self._state is _State.CANCELLED

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the thread that took the job is done with it; return whether it is."""
        return self._done.wait(timeout)

    def run(self, gate: Gate) -> None:
        """Import the plugin on the calling thread (after :meth:`take`); never raises."""
        try:
            with gate.running(self.source, self.digest):
                try:
                    module = import_plugin(self.source, self.bytecode)
                    self.classes = extension_classes(module, self.source)
                except BaseException as e:  # a plugin's sys.exit() must not end the app
                    forget_modules(self.source)
                    self.error = e
        except BaseException as e:  # the crash guard's own failure: still a failed import
            self.error = self.error or e
        finally:
            with self._lock:
                self._state = _State.DONE
            self._done.set()


class ImportWorker:
    """A thread that runs queued :class:`ImportJob` objects in order, then ends.

    Args:
        gate: The gate whose crash guard records each import.
        ready: Called (on the worker thread, a timer's, or the owner's) when
            finished jobs wait for the owner, once until :meth:`acknowledge`.
            It must only schedule work on the owner's thread, such as a queued
            signal.
        interval: Seconds after an :meth:`acknowledge` before finished jobs are
            announced again, unless the queue is empty (the last ones are
            announced at once); a timer announces them if the next import
            takes that long. None: :data:`ANNOUNCE_INTERVAL`.
    """

    def __init__(
        self, gate: Gate, ready: Callable[[], None], interval: float | None = None
    ) -> None:
        self.gate = gate
        self.ready = ready
        self.interval = ANNOUNCE_INTERVAL if interval is None else interval
        self._queue: deque[ImportJob[Any]] = deque()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._announced = False
        self._closed = False
        # Jobs finished since the owner last took them, and when that was.
        self._waiting = False
        self._acknowledged_at = time.monotonic()
        self._timer: threading.Timer | None = None
        self._later: list[threading.Timer] = []

    def submit(self, jobs: Iterable[ImportJob[Any]], delay: float = 0.0) -> None:
        """Queue jobs behind those already queued; start the thread if it is not running.

        Args:
            jobs: The jobs.
            delay: Seconds to wait before queueing them (on a timer's thread).
        """
        if delay > 0:
            timer = threading.Timer(delay, self.submit, (list(jobs),))
            timer.daemon = True
            with self._lock:
                if self._closed:
                    return
                self._later.append(timer)
            timer.start()
            return
        with self._lock:
            if self._closed:
                return
            self._queue.extend(jobs)
            if self._thread is None and self._queue:
                # A daemon: a plugin that never returns from its import must
                # not keep the app from exiting.
                self._thread = threading.Thread(
                    target=self._run, name="plugin-imports", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._queue or self._closed:
                    self._thread = None
                    return
                job = self._queue.popleft()
            if job.take():
                job.run(self.gate)
                with self._lock:
                    self._waiting = True
                self._announce_when_due()

    def _announce_when_due(self) -> None:
        """Announce the finished jobs now if the queue is empty or they waited long enough.

        Otherwise a timer announces them when they have, unless the worker
        does first.
        """
        timer = None
        with self._lock:
            if not self._waiting or self._announced or self._closed:
                return
            due = self._acknowledged_at + self.interval - time.monotonic()
            later = bool(self._queue) and due > 0
            if later and self._timer is None:
                timer = self._timer = threading.Timer(due, self._on_timer)
                timer.daemon = True
        if timer is not None:
            timer.start()
        elif not later:
            self.announce()

    def _on_timer(self) -> None:
        with self._lock:
            self._timer = None
        self._announce_when_due()

    def announce(self) -> None:
        """Call ``ready`` unless it was called since the last :meth:`acknowledge`."""
        with self._lock:
            if self._announced or self._closed:
                return
            self._announced = True
        try:
            self.ready()
        except Exception:  # the window may be gone; the owner still finishes on demand
            logger.debug("Cannot announce imported plugins", exc_info=True)

    def acknowledge(self) -> None:
        """Note that the owner is taking the finished jobs; later ones are announced again."""
        with self._lock:
            self._announced = False
            self._waiting = False
            self._acknowledged_at = time.monotonic()

    def close(self) -> None:
        """Run no further job and announce nothing more (a running job still ends)."""
        with self._lock:
            self._closed = True
            self._queue.clear()
            timers = [*self._later, *filter(None, [self._timer])]
            self._later.clear()
            self._timer = None
        for timer in timers:
            timer.cancel()
