"""notify on a full disk: one line per failed delivery, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_integrations import ConfigStore, IntegrationManager
from desktop_integrations.plugins.webhook import WebhookIntegration

HOLDER = """
import sys
from desktop_integrations import ConfigStore
store = ConfigStore(sys.argv[1])
store.query("SELECT 1")
print("open", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs, so the disk really fills up."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_notify_on_a_full_disk_prints_one_line_per_failure_and_no_traceback(
    small_disk: Path, tmp_path: Path
) -> None:
    data = small_disk / "data"
    store = ConfigStore(data / "integrations.sqlite3")
    integration = IntegrationManager(store).register_integration_class(WebhookIntegration)
    for number in range(3):
        integration.create_config(
            name=f"hook {number}",
            enabled=True,
            settings={"url": f"http://127.0.0.1:9/{number}"},
        ).save()
    store.close()
    env = {
        **os.environ,
        "DESKTOP_INTEGRATIONS_CACHE_DIR": str(tmp_path / "cache"),
        "DESKTOP_INTEGRATIONS_PLUGINS_DIR": str(tmp_path / "plugins"),
    }
    # Another window keeps the database open, as the app would: its
    # write-ahead log exists, so notify opens the database and fails to write.
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data / "integrations.sqlite3")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        filler = os.open(small_disk / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(filler, b"\0" * 4096):
                pass
        except OSError:  # no space left: the point
            pass
        finally:
            os.close(filler)
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "desktop_integrations",
                "--data-dir",
                str(data),
                "notify",
                "--title",
                "Disk full",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 3, output
    for number, line in enumerate(failed):
        assert f"'hook {number}'" in line
        assert "the disk or the database is full" in line
        # One sentence: said once, with no time for a delivery never sent.
        assert line.count("Could not") == 1 and not line.endswith(" ms"), line
    # Besides the three lines, at most one log line says what happened.
    assert len(result.stderr.strip().splitlines()) <= 1, result.stderr
