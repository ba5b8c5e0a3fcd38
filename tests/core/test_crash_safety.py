"""SIGKILL a process in the middle of saving: no acknowledged save may be lost."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROUNDS = 20
WRITER = Path(__file__).with_name("crash_writer.py")


def run_and_kill(db_path: Path, seed: int, rng: random.Random) -> list[tuple[int, int, int]]:
    """Start a writer, let it save for a random while, SIGKILL it; return its acks."""
    with subprocess.Popen(
        [sys.executable, str(WRITER), str(db_path), str(seed)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    ) as child:
        assert child.stdout is not None
        first = child.stdout.readline()  # saving has started
        assert first, "the writer exited before saving anything"
        time.sleep(rng.uniform(0.0, 0.3))
        child.send_signal(signal.SIGKILL)
        lines = [first, *child.stdout]
    assert child.returncode == -signal.SIGKILL
    # A line cut short by the kill was never a complete acknowledgement.
    complete = [line for line in lines if line.endswith("\n")]
    acks = [(int(a), int(b), int(c)) for a, b, c in (line.split() for line in complete)]
    return acks


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_during_saves_loses_no_acknowledged_save(tmp_path: Path) -> None:
    db_path = tmp_path / "crash.sqlite3"
    rng = random.Random(20261125)
    acknowledged: dict[int, tuple[int, int]] = {}
    total_acks = 0
    for round_ in range(ROUNDS):
        acks = run_and_kill(db_path, seed=round_, rng=rng)
        total_acks += len(acks)
        for config_id, revision, n in acks:
            acknowledged[config_id] = max(acknowledged.get(config_id, (0, 0)), (revision, n))

        conn = sqlite3.connect(db_path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"round {round_}"
        stored = {
            row[0]: (row[1], json.loads(row[2]))
            for row in conn.execute("SELECT id, revision, settings FROM configs")
        }
        conn.close()
        for config_id, (revision, n) in acknowledged.items():
            assert config_id in stored, f"round {round_}: acknowledged config {config_id} lost"
            stored_revision, settings = stored[config_id]
            # A save that committed but was killed before printing may be newer.
            assert stored_revision >= revision, f"round {round_}: config {config_id} rolled back"
            if stored_revision == revision:
                assert settings["n"] == n, f"round {round_}: config {config_id} damaged"
    assert total_acks > ROUNDS
    print(f"{ROUNDS}/{ROUNDS} rounds intact, {total_acks} acknowledged saves, 0 lost")
