"""Shared pieces of the account and auth tests: keys, database rows and token claims."""

from __future__ import annotations

import functools
from collections.abc import Awaitable
from typing import Any

import grpc
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ourchat.client import OurChatRpcError
from ourchat.deps import Deps
from ourchat.server.app import OurChatServer
from ourchat.storage import users

FIVE_DAYS_S = 5 * 24 * 3600


async def outcome(call: Awaitable[object]) -> tuple[grpc.StatusCode, str] | str:
    """``(code, detail)`` of a refused call, or "OK" (for comparing many outcomes at once)."""
    try:
        await call
    except OurChatRpcError as exc:
        return (exc.code, exc.detail)
    return "OK"


def deps_of(server: OurChatServer) -> Deps:
    """The running server's dependencies."""
    assert server.deps is not None
    return server.deps


async def user_row(server: OurChatServer, user_id: int) -> dict[str, Any] | None:
    """Every column of one user, or None once the row is gone."""
    async with deps_of(server).db.read() as conn:
        row = await users.get(conn, user_id)
    return dict(row) if row is not None else None


async def set_user_fields(server: OurChatServer, user_id: int, **values: Any) -> None:
    """Change columns of one user directly in the database."""
    async with deps_of(server).db.write() as conn:
        await users.set_fields(conn, user_id, **values)


def token_claims(server: OurChatServer, token: str) -> dict[str, Any]:
    """The claims of a token signed with the server's secret (expiry not checked)."""
    claims: dict[str, Any] = jwt.decode(
        token,
        deps_of(server).identity.jwt_secret,
        algorithms=["HS256"],
        options={"verify_exp": False},
    )
    return claims


@functools.cache
def rsa_private_key(bits: int) -> rsa.RSAPrivateKey:
    """One RSA key of each size per test run."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def rsa_public(bits: int, encoding: str = "spki-der") -> bytes:
    """An RSA public key as SubjectPublicKeyInfo DER / PEM or PKCS#1 DER."""
    key = rsa_private_key(bits).public_key()
    if encoding == "spki-der":
        return key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    if encoding == "spki-pem":
        return key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    assert encoding == "pkcs1-der"
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)


def ec_public() -> bytes:
    """A P-256 public key (SubjectPublicKeyInfo DER): well-formed, but not RSA."""
    return (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def unknown_algorithm_public() -> bytes:
    """A SubjectPublicKeyInfo whose algorithm (OID 1.2.3.4) no library knows."""
    algorithm = bytes([0x30, 0x05, 0x06, 0x03, 0x2A, 0x03, 0x04])
    bit_string = bytes([0x03, 0x21, 0x00]) + bytes(32)
    body = algorithm + bit_string
    return bytes([0x30, len(body)]) + body
