"""TLS on the one port: native gRPC over h2, HTTPS routes and gRPC-Web, chosen by ALPN."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ourchat._pb.service.basic.server.v1.server_pb2 import GetServerInfoResponse
from ourchat._pb.service.basic.v1.basic_pb2 import GetServerInfoRequest
from ourchat.client import OurChatClient, OurChatRpcError
from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.server.app import OurChatServer
from tests.http.grpc_web_client import GrpcWebClient

GET_SERVER_INFO = "/service.basic.v1.BasicService/GetServerInfo"


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
async def tls_server(
    settings: Settings, clock: ManualClock, tmp_path: Path
) -> AsyncIterator[tuple[OurChatServer, Path]]:
    cert_file, key_file = self_signed(tmp_path)
    server = OurChatServer(
        settings.model_copy(update={"tls_cert_file": cert_file, "tls_key_file": key_file}),
        clock=clock,
    )
    await server.start()
    try:
        yield server, cert_file
    finally:
        await server.stop(grace=0.5)


async def test_native_grpc_over_tls(tls_server: tuple[OurChatServer, Path]) -> None:
    server, cert_file = tls_server
    credentials = grpc.ssl_channel_credentials(root_certificates=cert_file.read_bytes())
    async with grpc.aio.secure_channel(f"127.0.0.1:{server.port}", credentials) as channel:
        call = channel.unary_unary(
            GET_SERVER_INFO,
            request_serializer=GetServerInfoRequest.SerializeToString,
            response_deserializer=GetServerInfoResponse.FromString,
        )
        info = await call(GetServerInfoRequest(), timeout=10)
    assert server.deps is not None
    assert info.unique_identifier == server.deps.identity.unique_identifier
    # Plain text on a TLS port gets no gRPC answer.
    plain = OurChatClient(f"127.0.0.1:{server.port}")
    with pytest.raises(OurChatRpcError):
        await plain.get_server_info()
    await plain.close()


async def test_https_routes_and_grpc_web_on_the_same_port(
    tls_server: tuple[OurChatServer, Path],
) -> None:
    server, cert_file = tls_server
    context = ssl.create_default_context(cafile=str(cert_file))
    async with httpx.AsyncClient(
        base_url=f"https://127.0.0.1:{server.port}", verify=context
    ) as http:
        status = await http.get("/v1/status")
        assert (status.status_code, status.http_version) == (200, "HTTP/1.1")
        assert (await http.get("/v1/logo")).headers["content-type"] == "image/png"
        answer = await GrpcWebClient(http).unary(GET_SERVER_INFO, GetServerInfoRequest())
        assert answer.status == 0
        assert len(answer.parsed(GetServerInfoResponse)) == 1


async def test_alpn_gives_browsers_http1_and_grpc_clients_h2(
    tls_server: tuple[OurChatServer, Path],
) -> None:
    server, cert_file = tls_server
    for offered, chosen in ((["h2", "http/1.1"], "http/1.1"), (["h2"], "h2")):
        context = ssl.create_default_context(cafile=str(cert_file))
        context.set_alpn_protocols(offered)
        _, writer = await asyncio.open_connection(
            "127.0.0.1", server.port, ssl=context, server_hostname="localhost"
        )
        ssl_object = writer.get_extra_info("ssl_object")
        assert ssl_object.selected_alpn_protocol() == chosen
        writer.close()


def test_tls_needs_both_files() -> None:
    with pytest.raises(ValueError, match="tls_cert_file and tls_key_file go together"):
        Settings(tls_cert_file="cert.pem")
