"""A real Matrix homeserver for the tests: Synapse, from its own venv, on 127.0.0.1.

``.ci/run`` installs PyPI's ``matrix-synapse`` into a venv of its own (Synapse
pins dependencies the project's venv should not share) and names its Python in
``DESKTOP_INTEGRATIONS_SYNAPSE_PYTHON``; without that variable the cached venv
``~/.cache/desktop-integrations/synapse-venv`` is used if it is there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.servers import free_port

#: The most seconds Synapse is given to start answering.
START_TIMEOUT = 90.0
SERVER_NAME = "localhost"


def synapse_python() -> Path | None:
    """Return the Python of the venv that has Synapse, or None if there is none."""
    named = os.environ.get("DESKTOP_INTEGRATIONS_SYNAPSE_PYTHON")
    path = (
        Path(named)
        if named
        else Path.home() / ".cache/desktop-integrations/synapse-venv/bin/python"
    )
    return path if path.is_file() else None


def _config(folder: Path, port: int, secret: str) -> str:
    # Every rate limit lifted: the tests post faster than a person does.
    unlimited = {"per_second": 1000, "burst_count": 1000}
    config = {
        "server_name": SERVER_NAME,
        "pid_file": str(folder / "homeserver.pid"),
        "listeners": [
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {"name": "sqlite3", "args": {"database": str(folder / "homeserver.db")}},
        "media_store_path": str(folder / "media"),
        "signing_key_path": str(folder / "signing.key"),
        "registration_shared_secret": secret,
        "macaroon_secret_key": secret + "-macaroon",
        "form_secret": secret + "-form",
        "report_stats": False,
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "enable_metrics": False,
        "url_preview_enabled": False,
        "rc_message": unlimited,
        "rc_registration": unlimited,
        "rc_login": {"address": unlimited, "account": unlimited, "failed_attempts": unlimited},
        "rc_joins": {"local": unlimited, "remote": unlimited},
    }
    return json.dumps(config)  # YAML reads JSON


class Synapse:
    """A Synapse homeserver running in ``folder``; :meth:`stop` ends it."""

    def __init__(self, python: Path, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret = os.urandom(16).hex()
        config = folder / "homeserver.yaml"
        config.write_text(_config(folder, self.port, self.secret))
        command = [str(python), "-m", "synapse.app.homeserver", "-c", str(config)]
        subprocess.run([*command, "--generate-keys"], check=True, capture_output=True, timeout=60)
        self.log = (folder / "synapse.log").open("wb")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_until_ready(self) -> None:
        """Wait for the client API to answer; raise RuntimeError if it does not in time."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Synapse exited with {self.process.returncode}: {self.tail()}")
            try:
                self.request("GET", "/_matrix/client/versions")
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError(f"Synapse did not answer within {START_TIMEOUT} s: {self.tail()}")

    def tail(self) -> str:
        self.log.flush()
        return (self.folder / "synapse.log").read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()

    def request(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        """Call the homeserver's API and return its JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")

    def register(self, user: str, password: str = "correct horse") -> str:
        """Register a user with the shared secret; return its access token."""
        path = "/_synapse/admin/v1/register"
        nonce = self.request("GET", path)["nonce"]
        message = b"\0".join(part.encode() for part in (nonce, user, password, "notadmin"))
        mac = hmac.new(self.secret.encode(), message, hashlib.sha1).hexdigest()
        answer = self.request(
            "POST",
            path,
            {"nonce": nonce, "username": user, "password": password, "admin": False, "mac": mac},
        )
        return str(answer["access_token"])

    def create_room(self, token: str, alias: str | None = None) -> str:
        """Create a room (of the server's default version); return its ID."""
        body: dict[str, Any] = {"preset": "private_chat"}
        if alias:
            body["room_alias_name"] = alias
        return str(self.request("POST", "/_matrix/client/v3/createRoom", body, token)["room_id"])

    def last_message(self, token: str, room_id: str) -> dict[str, Any]:
        """Return the content of the newest ``m.room.message`` in a room."""
        from urllib.parse import quote

        path = f"/_matrix/client/v3/rooms/{quote(room_id)}/messages?dir=b&limit=10"
        for event in self.request("GET", path, token=token)["chunk"]:
            if event["type"] == "m.room.message":
                return dict(event["content"])
        raise AssertionError(f"no message in {room_id}")
