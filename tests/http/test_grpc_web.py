"""gRPC-Web: unary and streaming calls in binary and text mode, exact trailers, CORS, the gate."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable

import grpc
import httpx
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from ourchat import details, metrics
from ourchat._pb.service.basic.server.v1.server_pb2 import (
    RUNNING_STATUS_MAINTAINING,
    GetServerInfoResponse,
)
from ourchat._pb.service.basic.v1.basic_pb2 import GetServerInfoRequest
from ourchat._pb.service.ourchat.get_account_info.v1 import get_account_info_pb2 as info_pb
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import (
    FetchMsgsRequest,
    FetchMsgsResponse,
    SendMsgRequest,
)
from ourchat.http.grpc_web import percent_encode
from ourchat.server.app import OurChatServer
from tests.helpers import User, expect_error, make_group
from tests.http.grpc_web_client import Answer, FrameParser, GrpcWebClient, request_body
from tests.rpc.server_manage.common import grant

NewUser = Callable[..., Awaitable[User]]
GET_SERVER_INFO = "/service.basic.v1.BasicService/GetServerInfo"
GET_ACCOUNT_INFO = "/service.ourchat.v1.OurChatService/GetAccountInfo"
SEND_MSG = "/service.ourchat.v1.OurChatService/SendMsg"
FETCH_MSGS = "/service.ourchat.v1.OurChatService/FetchMsgs"
UNAVAILABLE, UNAUTHENTICATED, NOT_FOUND, INVALID_ARGUMENT = 14, 16, 5, 3


@pytest.fixture(params=["binary", "text"])
def web(request: pytest.FixtureRequest, http: httpx.AsyncClient) -> GrpcWebClient:
    """A gRPC-Web client in binary (``+proto``) or base64 text mode."""
    return GrpcWebClient(http, text=request.param == "text")


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until ``condition()`` holds (fails after ``timeout`` seconds)."""
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never held")


def token_of(user: User) -> str:
    assert user.client.token is not None
    return user.client.token


async def test_unary_call_answers_the_message_and_ok_trailers(
    server: OurChatServer, web: GrpcWebClient
) -> None:
    assert server.deps is not None
    answer = await web.unary(GET_SERVER_INFO, GetServerInfoRequest())
    assert answer.http_status == 200
    expected_type = "application/grpc-web-text+proto" if web.text else "application/grpc-web+proto"
    assert answer.headers["content-type"] == expected_type
    assert (answer.status, answer.message) == (0, "")
    [info] = answer.parsed(GetServerInfoResponse)
    assert info.unique_identifier == server.deps.identity.unique_identifier
    assert info.status == 0


async def test_authenticated_call_with_and_without_a_token(
    web: GrpcWebClient, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    request = info_pb.GetAccountInfoRequest(
        id=alice.id, request_values=[info_pb.QueryValues.QUERY_VALUES_OCID]
    )
    answer = await web.unary(GET_ACCOUNT_INFO, request, token=token_of(alice))
    assert answer.status == 0
    [info] = answer.parsed(info_pb.GetAccountInfoResponse)
    assert info.ocid == alice.ocid
    missing = await web.unary(GET_ACCOUNT_INFO, request)
    assert (missing.status, missing.message, missing.messages) == (
        UNAUTHENTICATED,
        details.TOKEN_MISSING,
        [],
    )
    wrong = await web.unary(GET_ACCOUNT_INFO, request, headers={"authorization": "Basic x"})
    assert (wrong.status, wrong.message) == (UNAUTHENTICATED, details.ONLY_SUPPORT_BEARER)


async def test_errors_carry_the_exact_status_and_detail(
    web: GrpcWebClient, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    request = SendMsgRequest(session_id=123456, markdown_text="hi")
    native = await expect_error(
        alice.client.call("SendMsg", request),
        grpc.StatusCode.PERMISSION_DENIED,
        details.USER_NOT_IN_SESSION,
    )
    answer = await web.unary(SEND_MSG, request, token=token_of(alice))
    assert answer.http_status == 200
    assert (answer.status, answer.message, answer.messages) == (
        native.code.value[0],
        native.detail,
        [],
    )
    assert answer.trailers["grpc-message"] == native.detail


def test_grpc_message_is_percent_encoded() -> None:
    assert percent_encode("Request Invalid Value") == "Request Invalid Value"
    assert percent_encode("100% sûr\n") == "100%25 s%C3%BBr%0A"


async def test_undecodable_requests_are_invalid_arguments(
    web: GrpcWebClient, http: httpx.AsyncClient
) -> None:
    # A message that is no GetServerInfoRequest (a truncated field)...
    garbage = await web.unary(GET_SERVER_INFO, b"\x0a\x05ab")
    assert (garbage.status, garbage.message) == (INVALID_ARGUMENT, details.REQUEST_INVALID_VALUE)
    # ...and bodies that are no frames at all.
    for body in (b"\x00\x00\x00", b"\x00\x00\x00\x00\x09abc", b"\x01\x00\x00\x00\x00"):
        response = await http.post(
            GET_SERVER_INFO, content=body, headers={"content-type": "application/grpc-web"}
        )
        answer = Answer()
        FrameParser(text=False).feed(response.content, answer)
        assert (answer.status, answer.message) == (INVALID_ARGUMENT, details.REQUEST_INVALID_VALUE)
    text = await http.post(
        GET_SERVER_INFO, content=b"!!!!", headers={"content-type": "application/grpc-web-text"}
    )
    assert text.status_code == 200
    assert b"grpc-status:3" in base64.b64decode(text.content)


async def test_unknown_methods_and_other_content_types(
    web: GrpcWebClient, http: httpx.AsyncClient
) -> None:
    answer = await web.unary("/service.basic.v1.BasicService/NoSuchMethod", b"")
    assert (answer.status, answer.message) == (12, "Method not found!")
    json = await http.post(GET_SERVER_INFO, content=b"{}", headers={"content-type": "text/plain"})
    assert json.status_code in (404, 405)
    plain_grpc = await http.post(
        GET_SERVER_INFO, content=b"", headers={"content-type": "application/grpc-web+json"}
    )
    assert plain_grpc.status_code == 415


async def test_fetch_msgs_streams_live_events(
    server: OurChatServer, web: GrpcWebClient, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    session = await make_group(server.deps, alice, bob)
    before = await alice.client.send_msg(session, "before")
    received: list[FetchMsgsResponse] = []
    two = asyncio.Event()

    async def read() -> Answer:
        final = Answer()
        async for final, data in web.stream(  # noqa: B007 (the last answer is returned)
            FETCH_MSGS, FetchMsgsRequest(time=Timestamp(seconds=0)), token=token_of(bob)
        ):
            if data:
                received.append(FetchMsgsResponse.FromString(data))
                if len(received) == 2:
                    two.set()
        return final

    reader = asyncio.create_task(read())
    await until(lambda: server.deps is not None and server.deps.bus.fanout.open_count == 1)
    await asyncio.sleep(0.2)  # the stream stays open while the browser waits
    live = await alice.client.send_msg(session, "live over gRPC-Web")
    async with asyncio.timeout(10):
        await two.wait()
    assert [e.msg_id for e in received] == [before.msg_id, live.msg_id]
    assert received[1].msg.markdown_text == "live over gRPC-Web"
    assert received[1].time == live.time
    assert not reader.done()
    # The stream ends when the client goes away.
    reader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reader
    await until(lambda: server.deps is not None and server.deps.bus.fanout.open_count == 0)


async def test_stream_errors_end_with_trailers(
    server: OurChatServer, web: GrpcWebClient, new_user: NewUser
) -> None:
    bob = await new_user("bob")
    final = Answer()
    async for final, data in web.stream(FETCH_MSGS, FetchMsgsRequest(time=Timestamp())):  # noqa: B007
        assert not data
    assert (final.status, final.message) == (UNAUTHENTICATED, details.TOKEN_MISSING)
    async for final, data in web.stream(FETCH_MSGS, FetchMsgsRequest(), token=token_of(bob)):  # noqa: B007
        assert not data
    assert (final.status, final.message) == (INVALID_ARGUMENT, details.TIME_MISSING)


async def test_grpc_timeout_ends_a_stream_with_deadline_exceeded(
    web: GrpcWebClient, http: httpx.AsyncClient, new_user: NewUser
) -> None:
    bob = await new_user("bob")
    response = await http.post(
        FETCH_MSGS,
        content=request_body(FetchMsgsRequest(time=Timestamp()), web.text),
        headers=web.headers(token_of(bob), {"grpc-timeout": "300m"}),
    )
    answer = Answer()
    FrameParser(web.text).feed(response.content, answer)
    assert (answer.status, answer.message) == (4, "Deadline Exceeded")


async def test_cors_preflight_and_exposed_headers(http: httpx.AsyncClient) -> None:
    preflight = await http.options(
        GET_SERVER_INFO,
        headers={
            "origin": "http://elsewhere.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type,x-grpc-web,authorization,x-user-agent",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    allowed = preflight.headers["access-control-allow-headers"].lower()
    for name in ("content-type", "x-grpc-web", "authorization", "x-user-agent"):
        assert name in allowed
    assert "POST" in preflight.headers["access-control-allow-methods"]
    call = await http.post(
        GET_SERVER_INFO,
        content=b"\x00\x00\x00\x00\x00",
        headers={
            "content-type": "application/grpc-web+proto",
            "origin": "http://elsewhere.example",
        },
    )
    assert call.status_code == 200
    assert call.headers["access-control-allow-origin"] == "*"
    exposed = {h.strip() for h in call.headers["access-control-expose-headers"].split(",")}
    assert {"grpc-status", "grpc-message"} <= exposed


async def test_maintenance_gate_and_metrics_are_the_pipelines(
    server: OurChatServer, web: GrpcWebClient, new_user: NewUser
) -> None:
    assert server.deps is not None
    admin = await new_user("admin")
    await grant(server.deps, admin.id)
    ok_before = metrics.RPCS.labels(GET_SERVER_INFO, "OK")._value.get()
    await admin.client.set_maintenance(True)
    info = await web.unary(GET_SERVER_INFO, GetServerInfoRequest())
    assert info.status == 0
    assert info.parsed(GetServerInfoResponse)[0].status == RUNNING_STATUS_MAINTAINING
    request = info_pb.GetAccountInfoRequest(id=admin.id)
    closed = await web.unary(GET_ACCOUNT_INFO, request, token=token_of(admin))
    assert (closed.status, closed.message) == (UNAVAILABLE, details.SERVER_MAINTAINING)
    await admin.client.set_maintenance(False)
    assert (await web.unary(GET_ACCOUNT_INFO, request, token=token_of(admin))).status == 0
    assert metrics.RPCS.labels(GET_SERVER_INFO, "OK")._value.get() == ok_before + 1
