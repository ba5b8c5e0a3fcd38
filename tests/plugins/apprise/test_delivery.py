"""Apprise services deliver to local servers that speak their protocol."""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import parse_qs

import pytest

from desktop_integrations import IntegrationManager
from desktop_integrations.delivery import recent_deliveries
from desktop_integrations.events import Event, emit
from tests.servers import RecordingServer, closed_port_url, smtp_server

EVENT = Event(
    kind="build.failed",
    title="Build failed",
    body="main is red",
    level="error",
    url="https://ci.example/42",
    fields={"branch": "main"},
)


def _save(manager: IntegrationManager, integration_id: str, **settings: Any) -> None:
    integration = manager.get_integration(integration_id)
    form = integration.build_config_form(data={"name": "Team", **settings})
    assert form.is_valid(), form.errors
    form.save()


def _local(server: RecordingServer, **settings: Any) -> dict[str, Any]:
    host, port = server.httpd.server_address[:2]
    return {"use_tls": False, "host": host, "port": port, **settings}


def test_json_posts_title_body_and_type_with_basic_auth(
    apprise_manager: IntegrationManager, server: RecordingServer
) -> None:
    _save(
        apprise_manager,
        "apprise.json",
        **_local(server, user="bob", password="p@ss/w:rd", path="/hooks/in"),
    )
    [delivery] = emit(EVENT).wait(10)
    assert delivery.ok, delivery.error
    [request] = server.requests
    assert (request.method, request.path) == ("POST", "/hooks/in")
    assert request.headers["Authorization"] == "Basic Ym9iOnBAc3MvdzpyZA=="  # bob:p@ss/w:rd
    payload = request.json()
    assert payload["title"] == "Build failed"
    assert payload["message"] == "main is red\nbranch: main\nhttps://ci.example/42"
    assert payload["type"] == "failure"


def test_form_posts_url_encoded_fields(
    apprise_manager: IntegrationManager, server: RecordingServer
) -> None:
    _save(apprise_manager, "apprise.form", **_local(server))
    [delivery] = emit(Event(kind="k", title="Hi", body="there", level="success")).wait(10)
    assert delivery.ok, delivery.error
    [request] = server.requests
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    fields = parse_qs(request.body.decode())
    assert fields["title"] == ["Hi"] and fields["message"] == ["there"]
    assert fields["type"] == ["success"]


def test_xml_posts_a_soap_notification(
    apprise_manager: IntegrationManager, server: RecordingServer
) -> None:
    _save(apprise_manager, "apprise.xml", **_local(server))
    [delivery] = emit(Event(kind="k", title="Disk", body="almost full", level="warning")).wait(10)
    assert delivery.ok, delivery.error
    [request] = server.requests
    texts = {
        element.tag.rpartition("}")[2]: element.text
        for element in ET.fromstring(request.body).iter()
    }
    assert texts["Subject"] == "Disk" and texts["Message"] == "almost full"
    assert texts["MessageType"] == "warning"


def test_mattermost_posts_to_the_hook_of_its_token(
    apprise_manager: IntegrationManager, server: RecordingServer
) -> None:
    _save(apprise_manager, "apprise.mmost", **_local(server, token="abc123token"))
    [delivery] = emit(EVENT).wait(10)
    assert delivery.ok, delivery.error
    [request] = server.requests
    assert request.path == "/hooks/abc123token"
    text = request.json()["text"]
    assert text.startswith("Build failed") and "main is red" in text


def test_ntfy_publishes_to_its_topic(
    apprise_manager: IntegrationManager, server: RecordingServer
) -> None:
    _save(apprise_manager, "apprise.ntfy", **_local(server, targets=["alerts"]))
    [delivery] = emit(EVENT).wait(10)
    assert delivery.ok, delivery.error
    [request] = server.requests
    payload = request.json()
    assert payload["topic"] == "alerts"
    assert payload["title"] == "Build failed" and payload["message"].startswith("main is red")


def test_mailto_sends_mail_through_smtp(apprise_manager: IntegrationManager) -> None:
    with smtp_server() as (port, recorder):
        _save(
            apprise_manager,
            "apprise.mailto",
            use_tls=False,
            host="127.0.0.1",
            port=port,
            targets=["ops@example.com"],
            from_="ci@example.com",
            mode="insecure",
        )
        [delivery] = emit(EVENT).wait(10)
    assert delivery.ok, delivery.error
    [(sender, recipients, message)] = recorder.messages
    assert (sender, recipients) == ("ci@example.com", ["ops@example.com"])
    assert message["Subject"] == "Build failed"
    assert "main is red" in message.get_body(("plain", "html")).get_content()


def test_a_refused_delivery_fails_with_apprises_reason_and_no_secret(
    apprise_manager: IntegrationManager, server: RecordingServer
) -> None:
    for _ in range(3):
        server.reply(500, b"no")
    _save(apprise_manager, "apprise.json", **_local(server, user="bob", password="hunter2-secret"))
    [delivery] = emit(EVENT).wait(10)
    assert not delivery.ok
    assert delivery.attempts == 3 == len(server.requests)
    assert "error=500" in delivery.error and "JSON" in delivery.error
    assert "Traceback" not in delivery.error
    [logged] = recent_deliveries(apprise_manager.store)
    assert not logged.ok
    assert "hunter2-secret" not in json.dumps(logged.__dict__, default=str)


def test_an_unreachable_service_is_a_failed_delivery(apprise_manager: IntegrationManager) -> None:
    port = int(closed_port_url().rsplit(":", 1)[1].split("/")[0])
    _save(
        apprise_manager,
        "apprise.mmost",
        use_tls=False,
        host="127.0.0.1",
        port=port,
        token="tok-s3cret-value",
    )
    [delivery] = emit(EVENT).wait(10)
    assert not delivery.ok
    assert "Connection error" in delivery.error
    assert "tok-s3cret-value" not in delivery.error + delivery.response


def test_send_test_event_goes_through_apprise(
    apprise_manager: IntegrationManager, server: RecordingServer
) -> None:
    _save(apprise_manager, "apprise.json", **_local(server))
    integration = apprise_manager.get_integration("apprise.json")
    [config] = integration.get_configs()
    delivery = integration.send_test_event(config).result(10)  # type: ignore[attr-defined]
    assert delivery.ok, delivery.error
    assert server.requests[0].json()["title"] == "Test event from desktop-integrations"


def test_a_busy_service_is_tried_again_with_the_same_delivery_id(
    apprise_manager: IntegrationManager, server: RecordingServer
) -> None:
    server.reply(503, b"busy")
    _save(apprise_manager, "apprise.json", **_local(server))
    [delivery] = emit(EVENT).wait(10)
    assert delivery.ok, delivery.error
    assert delivery.attempts == 2
    first, second = server.requests
    assert first.headers["X-Delivery-Id"] == second.headers["X-Delivery-Id"]
    assert len(first.headers["X-Delivery-Id"]) >= 16


def test_a_refusal_is_not_tried_again(
    apprise_manager: IntegrationManager, server: RecordingServer
) -> None:
    server.reply(400, b"bad request")
    _save(apprise_manager, "apprise.json", **_local(server))
    [delivery] = emit(EVENT).wait(10)
    assert not delivery.ok and delivery.attempts == 1
    assert len(server.requests) == 1


def test_no_token_reaches_the_log_even_when_debugging(
    apprise_manager: IntegrationManager, server: RecordingServer, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(3):
        server.reply(500, b"echo tok-LOGGED-secret")
    _save(apprise_manager, "apprise.mmost", **_local(server, token="tok-LOGGED-secret"))
    with caplog.at_level(logging.DEBUG):
        [delivery] = emit(EVENT).wait(10)
    assert not delivery.ok
    assert caplog.records  # the failure is logged...
    assert "tok-LOGGED-secret" not in caplog.text  # ...without the token
    assert "tok-LOGGED-secret" not in delivery.error


def test_a_private_token_is_left_out_of_exports(apprise_manager: IntegrationManager) -> None:
    from desktop_integrations.cli.transfer import dump_document, export_configs

    _save(apprise_manager, "apprise.mmost", host="chat.example", token="tok-EXPORT-secret")
    plain = dump_document(export_configs(apprise_manager))
    assert "tok-EXPORT-secret" not in plain and "chat.example" in plain
    full = dump_document(export_configs(apprise_manager, include_secrets=True))
    assert "tok-EXPORT-secret" in full


def test_json_sends_the_configured_headers_payload_extras_and_parameters(
    apprise_manager: IntegrationManager, server: RecordingServer
) -> None:
    _save(
        apprise_manager,
        "apprise.json",
        **_local(
            server,
            path="/in",
            headers=["X-Token: s3cr3t+/=&x", "X-Team: ops"],
            payload=["team=ops"],
            params=["source=ci"],
        ),
    )
    [delivery] = emit(EVENT).wait(10)
    assert delivery.ok, delivery.error
    [request] = server.requests
    assert request.headers["X-Token"] == "s3cr3t+/=&x"
    assert request.headers["X-Team"] == "ops"
    path, _, query = request.path.partition("?")
    assert path == "/in" and parse_qs(query)["source"] == ["ci"]
    assert request.json()["team"] == "ops"


def test_a_header_value_is_masked_in_a_failure_and_kept_out_of_exports(
    apprise_manager: IntegrationManager, server: RecordingServer
) -> None:
    from desktop_integrations.cli.transfer import dump_document, export_configs

    for _ in range(3):
        server.reply(500, b"echo hdr-SECRET-value")
    _save(apprise_manager, "apprise.form", **_local(server, headers=["X-Key: hdr-SECRET-value"]))
    [delivery] = emit(EVENT).wait(10)
    assert not delivery.ok and "hdr-SECRET-value" not in delivery.error
    assert server.requests[0].headers["X-Key"] == "hdr-SECRET-value"
    assert "hdr-SECRET-value" not in dump_document(export_configs(apprise_manager))
