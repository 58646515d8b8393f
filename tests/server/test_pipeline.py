"""The call pipeline: undecodable requests, unexpected errors, the method table."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import grpc
import pytest

from ourchat import details
from ourchat.rpc.methods import Kind, method_table
from ourchat.rpc.pipeline import CallFailed, Pipeline
from ourchat.server.app import OurChatServer

GET_SERVER_INFO = "/service.basic.v1.BasicService/GetServerInfo"


@pytest.fixture
async def channel(server: OurChatServer) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        yield ch


async def test_undecodable_request_bytes_are_invalid_arguments(
    channel: grpc.aio.Channel, caplog: pytest.LogCaptureFixture
) -> None:
    call = channel.unary_unary(GET_SERVER_INFO)
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call(b"\x0a\x05ab")  # a length-delimited field cut short
    assert (info.value.code(), info.value.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
    assert not [r for r in caplog.records if r.exc_info]


def test_method_table_covers_every_kind() -> None:
    table = method_table()
    assert table[GET_SERVER_INFO].kind is Kind.UNARY
    assert table[GET_SERVER_INFO].public
    assert table["/service.ourchat.v1.OurChatService/FetchMsgs"].kind is Kind.SERVER_STREAM
    assert table["/service.ourchat.v1.OurChatService/Upload"].kind is Kind.CLIENT_STREAM
    assert not table["/service.ourchat.v1.OurChatService/SendMsg"].public


async def test_an_unexpected_error_is_internal_and_logged_once(
    server: OurChatServer, caplog: pytest.LogCaptureFixture
) -> None:
    assert server.deps is not None

    async def broken(deps: Any, request: Any, context: Any) -> Any:
        raise KeyError("boom")

    method = replace(method_table()[GET_SERVER_INFO], handle=broken)
    pipeline = Pipeline(server.deps, {GET_SERVER_INFO: method})
    with caplog.at_level(logging.ERROR), pytest.raises(CallFailed) as info:
        await pipeline.unary(method, b"", (), "203.0.113.7")
    assert (info.value.code, info.value.detail) == (grpc.StatusCode.INTERNAL, details.SERVER_ERROR)
    logged = [r for r in caplog.records if r.exc_info]
    assert len(logged) == 1
    assert "boom" in str(logged[0].exc_info)
