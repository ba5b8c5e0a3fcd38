"""HTTPS deliveries: the certificate is checked, against SSL_CERT_FILE when it is set."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_integrations.delivery import DeliveryError, HttpTransport, RetryPolicy
from tests.plugins.test_email_tls import server_context  # noqa: F401 (a fixture)
from tests.servers import RecordingServer


@pytest.fixture
def https_url(server_context: tuple[ssl.SSLContext, Path]) -> Iterator[tuple[str, RecordingServer]]:  # noqa: F811
    server = RecordingServer()
    server.httpd.socket = server_context[0].wrap_socket(server.httpd.socket, server_side=True)
    server.start()
    try:
        yield server.url.replace("http://", "https://") + "/hook", server
    finally:
        server.stop()


def post(url: str) -> str:
    http = HttpTransport(connect_timeout=2.0, read_timeout=2.0, retry=RetryPolicy(attempts=1))
    outcome = http.request("POST", url, content=b"{}", headers={"Content-Type": "application/json"})
    return outcome.response


def test_a_service_whose_certificate_is_trusted_gets_the_post(
    https_url: tuple[str, RecordingServer],
    server_context: tuple[ssl.SSLContext, Path],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, server = https_url
    monkeypatch.setenv("SSL_CERT_FILE", str(server_context[1]))
    assert post(url) == "HTTP 200 OK"
    assert [r.path for r in server.requests] == ["/hook"]


def test_a_certificate_that_is_not_trusted_is_refused(
    https_url: tuple[str, RecordingServer],
) -> None:
    url, server = https_url
    with pytest.raises(DeliveryError) as caught:
        post(url)
    assert "its certificate is not trusted" in str(caught.value)
    assert server.requests == []
