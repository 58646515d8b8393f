"""The interceptor's token and account checks (BEHAVIOR §1.2 with §12), in their order.

Every row is driven through a real server with the ``authorization`` header sent as given,
except "not visible ASCII": gRPC itself refuses such a header value on both ends (the client
library will not send it, and the server's HTTP/2 layer would reject it before any handler),
so that row is checked on :func:`ourchat.domain.authentication.bearer_token` directly.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import jwt
import pytest
from jwt.warnings import InsecureKeyLengthWarning

from ourchat import details
from ourchat._pb.service.basic.v1.basic_pb2 import PingRequest, PingResponse
from ourchat._pb.service.ourchat.get_account_info.v1 import get_account_info_pb2 as info_pb
from ourchat._pb.service.ourchat.unregister.v1.unregister_pb2 import UnregisterRequest
from ourchat.client import OurChatClient, OurChatRpcError
from ourchat.clock import US_PER_SECOND, ManualClock
from ourchat.config import Settings
from ourchat.domain.authentication import bearer_token
from ourchat.errors import InvalidArgument, Unauthenticated
from ourchat.server.app import OurChatServer
from ourchat.server.servicers import SERVICES, implemented_methods
from tests.helpers import PASSWORD, User, expect_error, register_user
from tests.rpc.auth.common import deps_of

NewUser = Callable[..., Awaitable[User]]
GET_ACCOUNT_INFO = "/service.ourchat.v1.OurChatService/GetAccountInfo"
PING = "/service.basic.v1.BasicService/Ping"
FIVE_DAYS_S = 5 * 24 * 3600


@pytest.fixture
async def channel(server: OurChatServer) -> AsyncIterator[grpc.aio.Channel]:
    """A plain gRPC channel to the server, for sending any header at all."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        yield ch


async def get_ocid(
    channel: grpc.aio.Channel, authorization: str | None
) -> tuple[grpc.StatusCode, str]:
    """GetAccountInfo(OCID) with this ``authorization`` value (None: no header).

    Returns ``(OK, ocid)`` on success, else ``(code, detail)``.
    """
    call = channel.unary_unary(
        GET_ACCOUNT_INFO,
        request_serializer=info_pb.GetAccountInfoRequest.SerializeToString,
        response_deserializer=info_pb.GetAccountInfoResponse.FromString,
    )
    metadata = [] if authorization is None else [("authorization", authorization)]
    request = info_pb.GetAccountInfoRequest(request_values=[info_pb.QUERY_VALUES_OCID])
    try:
        response = await call(request, metadata=metadata)
    except grpc.aio.AioRpcError as exc:
        return exc.code(), exc.details() or ""
    return grpc.StatusCode.OK, response.ocid


def sign(server: OurChatServer, claims: dict[str, Any], **kwargs: Any) -> str:
    """A token over ``claims`` signed with the server's own secret (HS256 unless told)."""
    return jwt.encode(claims, deps_of(server).identity.jwt_secret, **kwargs)


def unauthenticated(detail: str) -> tuple[grpc.StatusCode, str]:
    return grpc.StatusCode.UNAUTHENTICATED, detail


async def test_a_valid_token_names_the_caller(channel: grpc.aio.Channel, new_user: NewUser) -> None:
    alice = await new_user("alice")
    assert await get_ocid(channel, f"Bearer {alice.client.token}") == (
        grpc.StatusCode.OK,
        alice.ocid,
    )
    # Whitespace around and between the two parts does not matter.
    assert await get_ocid(channel, f"  Bearer   {alice.client.token} ") == (
        grpc.StatusCode.OK,
        alice.ocid,
    )


async def test_missing_header(
    channel: grpc.aio.Channel, connect: Callable[[], OurChatClient]
) -> None:
    assert await get_ocid(channel, None) == unauthenticated(details.TOKEN_MISSING)
    # The same for a server-streaming method.
    client = connect()
    with pytest.raises(OurChatRpcError) as info:
        async for _ in client.fetch_msgs(0):
            pass
    assert (info.value.code, info.value.detail) == unauthenticated(details.TOKEN_MISSING)


@pytest.mark.parametrize(
    "value",
    ["Bearer \x01abc", "Bearer \x7f", "Bearer caf\u00e9", "Bearer a\nb", b"Bearer abc"],
)
def test_a_header_that_is_not_visible_ascii_is_invalid(value: str | bytes) -> None:
    with pytest.raises(InvalidArgument) as info:
        bearer_token([("authorization", value)])
    assert info.value.detail == details.TOKEN_INVALID


def test_bearer_token_rules_in_order() -> None:
    assert bearer_token([("other", "x"), ("authorization", "Bearer\tabc")]) == "abc"
    cases = {
        None: details.TOKEN_MISSING,
        "": details.TOKEN_FORMAT,
        "Bearer": details.TOKEN_FORMAT,
        "bearer x y": details.TOKEN_FORMAT,
        "Basic x": details.ONLY_SUPPORT_BEARER,
    }
    for value, detail in cases.items():
        metadata = [] if value is None else [("authorization", value)]
        with pytest.raises(Unauthenticated) as info:
            bearer_token(metadata)
        assert info.value.detail == detail


async def test_header_not_in_two_parts(channel: grpc.aio.Channel) -> None:
    for value in ("", "   ", "Bearer", "tokenonly", "Bearer a b", "Basic a b", "Bearer  a  b"):
        assert await get_ocid(channel, value) == unauthenticated(details.TOKEN_FORMAT), value


async def test_only_the_bearer_scheme(channel: grpc.aio.Channel, new_user: NewUser) -> None:
    alice = await new_user("alice")
    for scheme in ("bearer", "BEARER", "Basic", "Token", "JWT"):
        got = await get_ocid(channel, f"{scheme} {alice.client.token}")
        assert got == unauthenticated(details.ONLY_SUPPORT_BEARER), scheme


async def test_malformed_or_badly_signed_tokens_are_invalid(
    server: OurChatServer, channel: grpc.aio.Channel, new_user: NewUser, clock: ManualClock
) -> None:
    alice = await new_user("alice")
    good = alice.client.token
    assert good is not None
    exp = clock.now_us() // US_PER_SECOND + 3600
    header, payload, signature = good.split(".")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)  # a 32-byte key for HS512
        hs512 = sign(server, {"id": alice.id, "exp": exp}, algorithm="HS512")
    tokens = {
        "garbage": "garbage",
        "two parts": f"{header}.{payload}",
        "truncated signature": f"{header}.{payload}.{signature[:-4]}",
        "other payload": f"{header}.{sign(server, {'id': alice.id + 1, 'exp': exp}).split('.')[1]}"
        f".{signature}",
        "other secret": jwt.encode({"id": alice.id, "exp": exp}, "x" * 32, algorithm="HS256"),
        "alg none": jwt.encode({"id": alice.id, "exp": exp}, None, algorithm="none"),
        "HS512": hs512,
        "no exp": sign(server, {"id": alice.id}, algorithm="HS256"),
        "no id": sign(server, {"exp": exp}, algorithm="HS256"),
        "string id": sign(server, {"id": str(alice.id), "exp": exp}, algorithm="HS256"),
        "negative id": sign(server, {"id": -1, "exp": exp}, algorithm="HS256"),
        "float exp": sign(server, {"id": alice.id, "exp": exp + 0.5}, algorithm="HS256"),
    }
    for label, token in tokens.items():
        got = await get_ocid(channel, f"Bearer {token}")
        assert got == unauthenticated(details.TOKEN_INVALID), label
    assert await get_ocid(channel, f"Bearer {good}") == (grpc.StatusCode.OK, alice.ocid)


async def test_expired_token(
    channel: grpc.aio.Channel, new_user: NewUser, clock: ManualClock
) -> None:
    alice = await new_user("alice")
    header = f"Bearer {alice.client.token}"
    clock.advance(FIVE_DAYS_S - 1)
    assert await get_ocid(channel, header) == (grpc.StatusCode.OK, alice.ocid)
    clock.advance(1)
    assert await get_ocid(channel, header) == unauthenticated(details.TOKEN_EXPIRED)
    clock.advance(61)  # well beyond any leeway: still "expired", not "invalid"
    assert await get_ocid(channel, header) == unauthenticated(details.TOKEN_EXPIRED)
    clock.advance(365 * 24 * 3600)
    assert await get_ocid(channel, header) == unauthenticated(details.TOKEN_EXPIRED)
    # A fresh login gives a working token again.
    await alice.client.login(PASSWORD, email=alice.email)
    assert await get_ocid(channel, f"Bearer {alice.client.token}") == (
        grpc.StatusCode.OK,
        alice.ocid,
    )


async def test_token_checks_come_before_account_checks(
    server: OurChatServer, channel: grpc.aio.Channel, new_user: NewUser, clock: ManualClock
) -> None:
    deps_of(server).settings.unregister_policy = "delete"
    alice = await new_user("alice")
    header = f"Bearer {alice.client.token}"
    await alice.client.call("Unregister", UnregisterRequest())
    assert await get_ocid(channel, header) == unauthenticated(details.USER_NOT_FOUND)
    clock.advance(FIVE_DAYS_S)
    assert await get_ocid(channel, header) == unauthenticated(details.TOKEN_EXPIRED)


async def test_token_of_a_user_that_does_not_exist(
    server: OurChatServer, channel: grpc.aio.Channel, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    for user_id in (alice.id + 1, 0, 2**63, 2**64 - 1):
        token = deps_of(server).tokens.issue(user_id)
        got = await get_ocid(channel, f"Bearer {token}")
        assert got == unauthenticated(details.USER_NOT_FOUND), user_id


async def test_unregistered_accounts_under_each_policy(
    server: OurChatServer, channel: grpc.aio.Channel, new_user: NewUser
) -> None:
    settings = deps_of(server).settings
    expected = {"disable": details.ACCOUNT_DELETED, "delete": details.USER_NOT_FOUND}
    for policy, detail in expected.items():
        settings.unregister_policy = policy  # type: ignore[assignment]
        user = await new_user(policy)
        header = f"Bearer {user.client.token}"
        await user.client.call("Unregister", UnregisterRequest())
        assert await get_ocid(channel, header) == unauthenticated(detail), policy


async def test_tokens_survive_a_restart(settings: Settings, clock: ManualClock) -> None:
    first = OurChatServer(settings, clock=clock)
    await first.start()
    try:
        async with OurChatClient(f"127.0.0.1:{first.port}") as client:
            alice = await register_user(client, "alice")
            token = client.token
    finally:
        await first.stop(grace=0.1)
    second = OurChatServer(settings, clock=clock)
    await second.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{second.port}") as ch:
            assert await get_ocid(ch, f"Bearer {token}") == (grpc.StatusCode.OK, alice.ocid)
    finally:
        await second.stop(grace=0.1)


async def test_unimplemented_methods_still_need_a_token(
    channel: grpc.aio.Channel, new_user: NewUser
) -> None:
    implemented = set(implemented_methods())
    service = SERVICES["ourchat"]
    missing = [
        f"/{service.full_name}/{m.name}"
        for m in service.methods
        if f"/{service.full_name}/{m.name}" not in implemented
        and not m.client_streaming
        and not m.server_streaming
    ]
    if not missing:
        pytest.skip("every unary OurChatService method is implemented")
    alice = await new_user("alice")
    call = channel.unary_unary(
        missing[0], request_serializer=lambda _: b"", response_deserializer=lambda b: b
    )
    outcomes = []
    for metadata in (
        [],
        [("authorization", "Bearer garbage")],
        [("authorization", f"Bearer {alice.client.token}")],
    ):
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await call(None, metadata=metadata)
        outcomes.append((info.value.code(), info.value.details()))
    assert outcomes == [
        unauthenticated(details.TOKEN_MISSING),
        unauthenticated(details.TOKEN_INVALID),
        (grpc.StatusCode.UNIMPLEMENTED, details.NOT_IMPLEMENTED),
    ]


async def test_public_methods_ignore_the_header(channel: grpc.aio.Channel) -> None:
    call = channel.unary_unary(
        PING,
        request_serializer=PingRequest.SerializeToString,
        response_deserializer=PingResponse.FromString,
    )
    for value in ("Bearer garbage", "Basic x", ""):
        await call(PingRequest(), metadata=[("authorization", value)])


async def test_an_unexpected_failure_is_a_server_error(
    server: OurChatServer,
    new_user: NewUser,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from ourchat.domain import profile

    alice = await new_user("alice")

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(profile, "get_account_info", broken)
    with caplog.at_level(logging.ERROR):
        await expect_error(
            alice.client.call(
                "GetAccountInfo",
                info_pb.GetAccountInfoRequest(request_values=[info_pb.QUERY_VALUES_OCID]),
            ),
            grpc.StatusCode.INTERNAL,
            details.SERVER_ERROR,
        )
    assert "disk on fire" in caplog.text  # logged with its traceback, never sent

    # A public method too.
    monkeypatch.setattr(deps_of(server).passwords, "verify", broken)
    await expect_error(
        alice.client.login(PASSWORD, email=alice.email),
        grpc.StatusCode.INTERNAL,
        details.SERVER_ERROR,
    )
