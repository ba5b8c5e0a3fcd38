"""A throwaway PostgreSQL cluster for the tests: initdb and pg_ctl in a temp folder.

PostgreSQL refuses to run as root, so under root the cluster belongs to the
``postgres`` user. It listens on a free port of 127.0.0.1 (password login)
and on a Unix socket in its folder.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote


def find_bindir() -> Path | None:
    """Return the folder of initdb and pg_ctl: Debian's newest, else the PATH's."""

    def version(path: str) -> int:
        try:
            return int(Path(path).parts[-3])
        except ValueError:
            return 0

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """A PostgreSQL server of its own, started by :meth:`start` and removed by :meth:`stop`.

    Args:
        bindir: The folder of initdb and pg_ctl.
        durable: Keep fsync on (benchmarks); tests run without it.
    """

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.durable = durable
        self.folder = Path(tempfile.mkdtemp(prefix="di-postgres-"))
        self.data = self.folder / "data"
        self.password = secrets.token_hex(12)
        self.port = _free_port()
        self._as: dict[str, Any] = {}
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._as = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}

    def _run(self, *args: str, check: bool = True) -> None:
        subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            check=check,
            capture_output=True,
            timeout=120,
            cwd=self.folder,
            **self._as,
        )

    def start(self) -> None:
        """Create the cluster and start the server; wait until it accepts connections."""
        pwfile = self.folder / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self._as:
            os.chown(pwfile, self._as["user"], self._as["group"])
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            f"--pwfile={pwfile}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.start_server()

    def start_server(self) -> None:
        """Start the server of the created cluster; wait until it accepts connections."""
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}"
        options += " -c max_connections=200"
        if not self.durable:  # tests need no crash safety from the server itself
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop_server(self) -> None:
        """Stop the server, keeping the cluster (as a server restart or an outage does)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str = "postgres", *, password: str | None = None) -> str:
        """A URL for the ``postgres`` user over TCP."""
        secret = quote(self.password if password is None else password, safe="")
        return f"postgresql://postgres:{secret}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server at once (if it runs) and remove its folder."""
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
