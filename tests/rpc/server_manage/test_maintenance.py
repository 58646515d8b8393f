"""Maintenance: the exact set of calls that still answer, streams ending, HTTP 503, restarts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
import httpx
import pytest

from ourchat import details
from ourchat._pb.service.auth.authorize.v1.authorize_pb2 import AuthRequest
from ourchat._pb.service.basic.server.v1.server_pb2 import RUNNING_STATUS_MAINTAINING
from ourchat._pb.service.basic.v1.basic_pb2 import GetIdRequest, PingRequest, TimestampRequest
from ourchat._pb.service.server_manage.set_server_status.v1 import set_server_status_pb2 as ss
from ourchat._pb.service.server_manage.user_manage.v1 import user_manage_pb2 as um
from ourchat.client import OurChatClient, OurChatRpcError
from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.server.app import OurChatServer
from tests.helpers import PASSWORD, Stream, User, expect_error, register_user
from tests.rpc.server_manage.common import SM, grant

NewUser = Callable[..., Awaitable[User]]
MAINTAINING = (grpc.StatusCode.UNAVAILABLE, details.SERVER_MAINTAINING)


async def _outcome(awaitable: Awaitable[object]) -> str:
    try:
        await awaitable
    except OurChatRpcError as exc:
        return f"{exc.code.name} {exc.detail}"
    return "OK"


async def test_only_the_documented_calls_answer_in_maintenance(
    server: OurChatServer, new_user: NewUser, connect: Callable[[], OurChatClient]
) -> None:
    assert server.deps is not None
    admin = await new_user("admin")
    await grant(server.deps, admin.id)
    bob = await new_user("bob")
    stream = Stream(bob.client)
    await stream.settle(0.1)

    await admin.client.set_maintenance(True, "database upgrade")

    await stream.wait_for(1)
    assert stream.error is not None
    assert (stream.error.code, stream.error.detail) == MAINTAINING
    anonymous = connect()
    outcomes = {
        "GetServerInfo": await _outcome(anonymous.get_server_info()),
        "Timestamp": await _outcome(anonymous.call("Timestamp", TimestampRequest())),
        "Ping": await _outcome(anonymous.call("Ping", PingRequest())),
        "GetId": await _outcome(anonymous.call("GetId", GetIdRequest(ocid=bob.ocid))),
        "Auth": await _outcome(
            anonymous.call("Auth", AuthRequest(email=bob.email, password=PASSWORD))
        ),
        "GetAccountInfo": await _outcome(bob.client.get_account_info()),
        "FetchMsgs": await _outcome(anext(aiter(bob.client.fetch_msgs(0)))),
        "ListUsers (admin)": await _outcome(
            admin.client.call(SM + "ListUsers", um.ListUsersRequest())
        ),
        "SetServerStatus (bob)": await _outcome(bob.client.set_maintenance(False)),
    }
    closed = "UNAVAILABLE Server Maintaining"
    assert outcomes == {
        "GetServerInfo": "OK",
        "Timestamp": "OK",
        "Ping": "OK",
        "GetId": closed,
        "Auth": closed,
        "GetAccountInfo": closed,
        "FetchMsgs": closed,
        "ListUsers (admin)": closed,
        "SetServerStatus (bob)": closed,
    }
    assert (await anonymous.get_server_info()).status == RUNNING_STATUS_MAINTAINING

    # UNSPECIFIED changes nothing; an unknown value is refused.
    await admin.client.call(
        SM + "SetServerStatus",
        ss.SetServerStatusRequest(server_status=ss.SERVER_STATUS_UNSPECIFIED),
    )
    assert (await anonymous.get_server_info()).status == RUNNING_STATUS_MAINTAINING
    await expect_error(
        admin.client.call(SM + "SetServerStatus", ss.SetServerStatusRequest(server_status=7)),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )

    await admin.client.set_maintenance(False)
    assert (await anonymous.get_server_info()).status == 0
    await bob.client.get_account_info()
    await stream.close()


async def test_http_routes_answer_503_except_status(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    admin = await new_user("admin")
    await grant(server.deps, admin.id)
    base = f"http://127.0.0.1:{server.port}"
    async with httpx.AsyncClient(base_url=base) as http:
        assert (await http.get(f"/v1/avatar?user_id={admin.id}")).status_code == 200
        await admin.client.set_maintenance(True)
        avatar = await http.get(f"/v1/avatar?user_id={admin.id}")
        assert (avatar.status_code, avatar.text) == (503, details.SERVER_MAINTAINING)
        assert (await http.get("/v1/verify/confirm?token=x")).status_code == 503
        assert (await http.get("/v1/status")).status_code == 200
        assert (await http.get("/metrics")).status_code == 200
        # gRPC-Web is left to the call pipeline, which answers with a gRPC status.
        web = await http.post(
            "/service.ourchat.v1.OurChatService/GetAccountInfo",
            headers={"content-type": "application/grpc-web+proto"},
        )
        assert web.status_code != 503
        await admin.client.set_maintenance(False)
        assert (await http.get(f"/v1/avatar?user_id={admin.id}")).status_code == 200


async def test_maintenance_survives_a_restart_and_serve_can_start_in_it(
    settings: Settings, clock: ManualClock
) -> None:
    first = OurChatServer(settings, clock=clock, start_in_maintenance=True)
    await first.start()
    client = OurChatClient(f"127.0.0.1:{first.port}")
    try:
        assert (await client.get_server_info()).status == RUNNING_STATUS_MAINTAINING
        await expect_error(client.register("a@example.com", PASSWORD, "a", b"x"), *MAINTAINING)
    finally:
        await client.close()
        await first.stop(grace=0.5)

    second = OurChatServer(settings, clock=clock)
    await second.start()
    assert second.deps is not None
    client = OurChatClient(f"127.0.0.1:{second.port}")
    try:
        assert (await client.get_server_info()).status == RUNNING_STATUS_MAINTAINING
        # The operator lifts it on the server machine (no admin exists yet).
        from ourchat.domain import maintenance

        await maintenance.set_status(second.deps, caller_id=0, maintaining=False, reason="")
        assert (await client.get_server_info()).status == 0
        user = await register_user(client)
        assert user.id
    finally:
        await client.close()
        await second.stop(grace=0.5)


@pytest.mark.parametrize("maintaining", [True, False])
async def test_set_server_status_needs_permission_5(
    server: OurChatServer, new_user: NewUser, maintaining: bool
) -> None:
    assert server.deps is not None
    admin = await new_user("admin")
    await grant(server.deps, admin.id)
    bob = await new_user("bob")
    if maintaining:
        await admin.client.set_maintenance(True)
        await expect_error(bob.client.set_maintenance(False), *MAINTAINING)
    else:
        await expect_error(
            bob.client.set_maintenance(True),
            grpc.StatusCode.PERMISSION_DENIED,
            details.PERMISSION_DENIED,
        )
    assert server.deps.shared.maintenance is maintaining
