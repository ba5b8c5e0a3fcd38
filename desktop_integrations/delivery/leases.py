"""Who holds a lease on outbox deliveries, and whether that process still runs."""

from __future__ import annotations

import os
import socket
import uuid

_HOST = socket.gethostname()


def new_owner() -> str:
    """Return a lease owner for this process: its host, its pid, and a random part."""
    return f"{_HOST}/{os.getpid()}/{uuid.uuid4().hex[:8]}"


def alive(owner: str) -> bool:
    """Whether the process holding a lease may still run (always, on another machine)."""
    host, _, rest = owner.partition("/")
    pid = rest.partition("/")[0]
    if host != _HOST or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
