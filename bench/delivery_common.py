"""What the children of the delivery benchmark share (kept import-light)."""

from __future__ import annotations

from pathlib import Path


def rss_mib() -> float:
    """This process's resident set size now, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def reset_sink(port: int) -> None:
    """Have the sink forget what it received so far (the warm-up)."""
    from urllib.request import urlopen

    with urlopen(f"http://127.0.0.1:{port}/stats", timeout=30) as answer:
        answer.read()
