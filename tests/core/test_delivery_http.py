"""The HTTP transport: answers, retries with backoff and Retry-After, timeouts."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from desktop_integrations.delivery import DeliveryError, HttpTransport, Outcome, RetryPolicy
from desktop_integrations.delivery.retry import parse_retry_after
from tests.servers import RecordingServer, closed_port_url, recording_server


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


def transport(
    waits: list[float], *, attempts: int = 3, max_wait: float = 30.0, read_timeout: float = 2.0
) -> HttpTransport:
    retry = RetryPolicy(attempts=attempts, backoff=0.5, max_wait=max_wait, sleep=waits.append)
    return HttpTransport(connect_timeout=2.0, read_timeout=read_timeout, retry=retry)


def post(http: HttpTransport, url: str) -> Outcome:
    return http.request(
        "POST", url, content=b'{"a":1}', headers={"Content-Type": "application/json"}
    )


def test_a_successful_post_sends_the_exact_body_once(server: RecordingServer) -> None:
    waits: list[float] = []
    outcome = post(transport(waits), server.url + "/hook")
    assert outcome.response == "HTTP 200 OK" and outcome.attempts == 1
    assert [(r.method, r.path, r.body) for r in server.requests] == [("POST", "/hook", b'{"a":1}')]
    assert waits == []


def test_a_server_error_is_retried_with_exponential_backoff(server: RecordingServer) -> None:
    server.reply(500)
    server.reply(502)
    waits: list[float] = []
    outcome = post(transport(waits), server.url)
    assert outcome.attempts == 3
    assert len(server.requests) == 3
    assert waits == [0.5, 1.0]


def test_retry_after_of_a_429_answer_sets_the_wait(server: RecordingServer) -> None:
    server.reply(429, Retry_After="7")
    waits: list[float] = []
    post(transport(waits), server.url)
    assert len(server.requests) == 2
    assert waits == [7.0]


def test_a_long_retry_after_is_capped(server: RecordingServer) -> None:
    server.reply(429, Retry_After="3600")
    waits: list[float] = []
    post(transport(waits, max_wait=5.0), server.url)
    assert waits == [5.0]


def test_giving_up_reports_the_last_answer_and_attempts(server: RecordingServer) -> None:
    for _ in range(3):
        server.reply(503, body=b"maintenance")
    with pytest.raises(DeliveryError) as caught:
        post(transport([]), server.url)
    assert caught.value.attempts == 3
    assert caught.value.response == "HTTP 503 Service Unavailable"
    assert "maintenance" in str(caught.value)


def test_a_client_error_is_not_retried(server: RecordingServer) -> None:
    server.reply(404, body=b"no such hook")
    waits: list[float] = []
    with pytest.raises(DeliveryError) as caught:
        post(transport(waits), server.url)
    assert len(server.requests) == 1 and waits == []
    assert caught.value.response == "HTTP 404 Not Found"
    assert "no such hook" in str(caught.value)


def test_a_refused_connection_is_retried_then_explained() -> None:
    waits: list[float] = []
    url = closed_port_url()
    with pytest.raises(DeliveryError) as caught:
        post(transport(waits, attempts=2), url)
    assert caught.value.attempts == 2 and waits == [0.5]
    assert "Could not connect to http://127.0.0.1" in str(caught.value)
    assert "/hook" not in str(caught.value)  # a webhook URL's path is a credential


def test_a_slow_server_times_out_without_a_second_post(server: RecordingServer) -> None:
    server.reply(200, delay=10)
    waits: list[float] = []
    with pytest.raises(DeliveryError) as caught:
        post(transport(waits, read_timeout=0.2), server.url)
    assert "did not answer within 0.2 s" in str(caught.value)
    assert len(server.requests) == 1 and waits == []


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    later = datetime.now(UTC) + timedelta(seconds=120)
    seconds = parse_retry_after(format_datetime(later, usegmt=True))
    assert seconds is not None and 100 < seconds <= 120
    assert parse_retry_after(format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)) == 0


def test_a_cookie_one_service_sets_is_never_sent_to_the_next(server: RecordingServer) -> None:
    server.reply(200, Set_Cookie="session=abc123; Path=/")
    http = transport([])
    post(http, server.url + "/first")
    post(http, server.url + "/second")
    assert [r.path for r in server.requests] == ["/first", "/second"]
    assert "Cookie" not in server.requests[1].headers


def test_every_request_names_the_product_unless_the_caller_names_itself(
    server: RecordingServer,
) -> None:
    http = transport([])
    post(http, server.url)
    http.request("POST", server.url, content=b"x", headers={"user-agent": "my-plugin/2"})
    first, second = server.requests
    assert first.headers["User-Agent"].startswith("desktop-integrations/")
    assert [v for k, v in second.headers.items() if k.lower() == "user-agent"] == ["my-plugin/2"]


def test_a_url_with_user_and_password_sends_them_as_basic_auth(server: RecordingServer) -> None:
    host = server.url.removeprefix("http://")
    post(transport([]), f"http://ci%40team:pa%3Ass@{host}/in")
    [request] = server.requests
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"ci@team:pa:ss").decode(
        "ascii"
    )
    assert request.path == "/in"


def test_a_path_with_spaces_and_accents_is_sent_percent_encoded(server: RecordingServer) -> None:
    post(transport([]), server.url + "/café hook?q=ü&x=1")
    assert server.requests[0].path == "/caf%C3%A9%20hook?q=%C3%BC&x=1"


def test_an_address_that_is_not_http_fails_without_sending(server: RecordingServer) -> None:
    with pytest.raises(DeliveryError) as caught:
        post(transport([]), "ftp://127.0.0.1/file")
    assert "not an http:// or https:// address" in str(caught.value)
    assert caught.value.attempts == 1


def test_the_proxy_of_the_environment_is_used_unless_no_proxy_names_the_host(
    server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", server.url)
    monkeypatch.setenv("NO_PROXY", "direct.invalid")
    http = transport([])
    post(http, "http://hooks.invalid/in")  # no such host: only the proxy can take it
    assert server.requests[0].path == "http://hooks.invalid/in"
    with pytest.raises(DeliveryError, match=r"Could not connect to http://direct\.invalid"):
        post(transport([], attempts=1), "http://direct.invalid/in")
    assert len(server.requests) == 1


def test_a_proxy_that_is_not_http_fails_without_naming_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ALL_PROXY", "socks5://me:xqSECRETxq@127.0.0.1:1080")
    with pytest.raises(DeliveryError) as caught:
        post(transport([], attempts=1), "http://hooks.invalid/in")
    assert "socks5://…" in str(caught.value) and "xqSECRETxq" not in str(caught.value)
