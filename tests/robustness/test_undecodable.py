"""Request bytes that do not decode, on every method of every service (BEHAVIOR §18).

Unary and server-streaming calls answer ``INVALID_ARGUMENT "Request Invalid Value"`` with or
without a token (the bytes are looked at before the token). A client stream (Upload) is
authenticated when it opens, before any message is read, so without a token it answers
``UNAUTHENTICATED`` and with one the undecodable message gets ``INVALID_ARGUMENT``. Nothing is
logged at ERROR for any of these, and an unexpected failure is still ``INTERNAL "Server Error"``
logged once with its traceback.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import grpc
import pytest

from ourchat import details
from ourchat._pb.service.basic.v1.basic_pb2 import PingRequest
from ourchat.clock import ManualClock
from ourchat.server.app import OurChatServer
from ourchat.server.servicers import SERVICES
from tests.helpers import User

NewUser = Callable[..., Awaitable[User]]

#: Bytes that are no message at all: a truncated tag, tag 0, a truncated length-delimited field.
GARBAGE = (b"\x80", b"\x00", b"\x0a\xff\x01", b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff")

METHODS = [
    (f"/{service.full_name}/{m.name}", m.client_streaming, m.server_streaming)
    for service in SERVICES.values()
    for m in service.methods
]


@pytest.fixture
async def channel(server: OurChatServer) -> AsyncIterator[grpc.aio.Channel]:
    """A plain channel sending raw bytes."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        yield ch


async def raw_call(
    channel: grpc.aio.Channel,
    path: str,
    client_streaming: bool,
    server_streaming: bool,
    data: bytes,
    token: str | None,
) -> tuple[grpc.StatusCode, str]:
    """Send ``data`` as the request (or the stream's only message); the final status."""
    metadata = [("authorization", f"Bearer {token}")] if token else []
    try:
        if client_streaming:

            async def one() -> AsyncIterator[bytes]:
                yield data

            await channel.stream_unary(path)(one(), metadata=metadata, timeout=10)
        elif server_streaming:
            async for _ in channel.unary_stream(path)(data, metadata=metadata, timeout=10):
                pass
        else:
            await channel.unary_unary(path)(data, metadata=metadata, timeout=10)
    except grpc.aio.AioRpcError as exc:
        return exc.code(), exc.details() or ""
    return grpc.StatusCode.OK, ""


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]


async def test_every_method_answers_undecodable_bytes_invalid_argument(
    channel: grpc.aio.Channel, new_user: NewUser, caplog: pytest.LogCaptureFixture
) -> None:
    token = (await new_user("garbage")).client.token
    caplog.set_level(logging.INFO)
    expected = (grpc.StatusCode.INVALID_ARGUMENT, details.REQUEST_INVALID_VALUE)
    unexpected = []
    for path, client_streaming, server_streaming in METHODS:
        for data in GARBAGE:
            for with_token in (True, False):
                got = await raw_call(
                    channel,
                    path,
                    client_streaming,
                    server_streaming,
                    data,
                    token if with_token else None,
                )
                want = expected
                if client_streaming and not with_token:
                    want = (grpc.StatusCode.UNAUTHENTICATED, details.TOKEN_MISSING)
                if got != want:
                    unexpected.append((path, data, with_token, got))
    assert unexpected == []
    assert errors_logged(caplog) == []


async def test_health_and_reflection_answer_undecodable_bytes_invalid_argument(
    channel: grpc.aio.Channel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    expected = (grpc.StatusCode.INVALID_ARGUMENT, details.REQUEST_INVALID_VALUE)
    assert await raw_call(channel, "/grpc.health.v1.Health/Check", False, False, b"\x80", None) == (
        expected
    )
    assert await raw_call(channel, "/grpc.health.v1.Health/Watch", False, True, b"\x80", None) == (
        expected
    )

    async def one() -> AsyncIterator[bytes]:
        yield b"\x80"

    reflection = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
    with pytest.raises(grpc.aio.AioRpcError) as info:
        async for _ in channel.stream_stream(reflection)(one(), timeout=10):
            pass
    assert (info.value.code(), info.value.details()) == expected
    assert errors_logged(caplog) == []


async def test_a_good_request_after_garbage_still_works(
    channel: grpc.aio.Channel, caplog: pytest.LogCaptureFixture
) -> None:
    ping = "/service.basic.v1.BasicService/Ping"
    assert await raw_call(channel, ping, False, False, b"\x80", None) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
    response = await channel.unary_unary(ping)(PingRequest().SerializeToString(), timeout=10)
    assert isinstance(response, bytes)


async def test_an_unexpected_failure_is_internal_and_logged_once(
    channel: grpc.aio.Channel,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken() -> int:
        raise RuntimeError("clock broke")

    monkeypatch.setattr(clock, "now_us", broken)
    caplog.set_level(logging.INFO)
    timestamp = "/service.basic.v1.BasicService/Timestamp"
    got = await raw_call(channel, timestamp, False, False, b"", None)
    assert got == (grpc.StatusCode.INTERNAL, details.SERVER_ERROR)
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(logged) == 1
    assert logged[0].exc_info is not None
    assert "clock broke" in str(logged[0].exc_info[1])
