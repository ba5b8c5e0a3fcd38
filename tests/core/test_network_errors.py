"""A failed connection is worded for people, with the system's text kept."""

from __future__ import annotations

import socket

import httpx

from desktop_integrations.delivery.network_errors import describe_network_error


def test_an_unknown_host_is_named_as_such() -> None:
    error = httpx.ConnectError("[Errno -2] Name or service not known")
    assert describe_network_error(error) == (
        "the host name could not be found ([Errno -2] Name or service not known)"
    )


def test_a_refused_connection_to_a_real_closed_port_is_worded() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the request
    try:
        httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
    except httpx.ConnectError as e:
        assert describe_network_error(e).startswith("the server refused the connection (")
    else:
        raise AssertionError("the closed port accepted a connection")


def test_an_unknown_error_is_left_as_it_is() -> None:
    assert describe_network_error(OSError("odd")) == "odd"
