"""The Email integration over real TLS: STARTTLS and implicit TLS, certificates checked."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from desktop_integrations import IntegrationManager
from desktop_integrations.events import Event, emit
from desktop_integrations.plugins.email import EmailExtension
from tests.servers import installed, smtp_server

EVENT = Event(kind="deploy.done", title="Deployed", level="success")


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name, signer: Any, ca: bool
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    return builder.sign(signer, hashes.SHA256())


def _pem(path: Path, certificate: x509.Certificate) -> Path:
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


@pytest.fixture
def server_context(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    """A TLS context for 127.0.0.1 signed by a test CA, and the CA's file."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = _certificate("Test CA", ca_key, ca_name, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = _certificate("127.0.0.1", key, ca_name, ca_key, ca=False)
    key_file = tmp_path / "server.key"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(_pem(tmp_path / "server.pem", certificate), key_file)
    return context, _pem(tmp_path / "ca.pem", ca)


@pytest.fixture
def trusted_ca(
    server_context: tuple[ssl.SSLContext, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default context reads SSL_CERT_FILE when it is created, for each send.
    monkeypatch.setenv("SSL_CERT_FILE", str(server_context[1]))


@pytest.fixture
def email(manager: IntegrationManager) -> Iterator[IntegrationManager]:
    with installed(manager, EmailExtension):
        yield manager


def configure(manager: IntegrationManager, port: int, security: str, **data: Any) -> None:
    form = manager.get_integration("builtin.email").build_config_form(
        data={
            "name": "Secure mail",
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "security": security,
            "from_address": "ci@example.com",
            "to_addresses": ["dev@example.com"],
            **data,
        }
    )
    assert form.is_valid(), form.errors
    form.save()


@pytest.mark.usefixtures("trusted_ca")
def test_starttls_upgrades_then_logs_in_and_sends(
    email: IntegrationManager, server_context: tuple[ssl.SSLContext, Path]
) -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret")

    with smtp_server(
        tls_context=server_context[0],
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    ) as (port, recorder):
        configure(email, port, "starttls", authenticate=True, username="ci", password="s3cret")
        [delivery] = emit(EVENT).wait(10)
    assert delivery.ok, delivery.error
    assert logins == [(b"ci", b"s3cret")]
    [(_, recipients, message)] = recorder.messages
    assert recipients == ["dev@example.com"]
    assert "Deployed" in str(message["Subject"])


@pytest.mark.usefixtures("trusted_ca")
def test_implicit_tls_sends(
    email: IntegrationManager, server_context: tuple[ssl.SSLContext, Path]
) -> None:
    with smtp_server(ssl_context=server_context[0]) as (port, recorder):
        configure(email, port, "ssl")
        [delivery] = emit(EVENT).wait(10)
    assert delivery.ok, delivery.error
    assert len(recorder.messages) == 1


def test_a_certificate_that_is_not_trusted_is_refused(
    email: IntegrationManager, server_context: tuple[ssl.SSLContext, Path]
) -> None:
    with smtp_server(tls_context=server_context[0], require_starttls=True) as (port, recorder):
        configure(email, port, "starttls")
        [delivery] = emit(EVENT).wait(10)
    assert not delivery.ok
    assert "TLS with 127.0.0.1" in delivery.error
    assert "CERTIFICATE_VERIFY_FAILED" in delivery.error
    assert recorder.messages == []


@pytest.mark.usefixtures("trusted_ca")
@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_a_password_beyond_ascii_logs_in_as_utf8(
    email: IntegrationManager, server_context: tuple[ssl.SSLContext, Path], mechanism: str
) -> None:
    logins: list[tuple[str, bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, used: str, data: Any) -> Any:
        logins.append((used, data.login, data.password))
        return AuthResult(success=data.password == "pässwörd€".encode())

    other = {"PLAIN": "LOGIN", "LOGIN": "PLAIN"}[mechanism]
    with smtp_server(
        tls_context=server_context[0],
        require_starttls=True,
        authenticator=authenticator,
        auth_exclude_mechanism=[other],
    ) as (port, recorder):
        configure(email, port, "starttls", authenticate=True, username="zoë", password="pässwörd€")
        [delivery] = emit(EVENT).wait(10)
    assert delivery.ok, delivery.error
    assert logins == [(mechanism, "zoë".encode(), "pässwörd€".encode())]
    assert len(recorder.messages) == 1


@pytest.mark.usefixtures("trusted_ca")
def test_a_password_beyond_ascii_without_a_utf8_mechanism_fails_with_a_message(
    email: IntegrationManager, server_context: tuple[ssl.SSLContext, Path]
) -> None:
    with smtp_server(
        tls_context=server_context[0],
        require_starttls=True,
        authenticator=lambda *args: AuthResult(success=True),
        auth_exclude_mechanism=["PLAIN", "LOGIN"],
    ) as (port, recorder):
        configure(email, port, "starttls", authenticate=True, username="ci", password="pässwörd")
        [delivery] = emit(EVENT).wait(10)
    assert not delivery.ok
    assert "beyond ASCII" in delivery.error and "pässwörd" not in delivery.error
    assert recorder.messages == []
