"""BasicService: Timestamp, GetServerInfo, GetId, Support, GetPresetUserStatus, Ping."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc

from ourchat import __version__, details
from ourchat._pb.service.basic.preset_user_status.v1.preset_user_status_pb2 import (
    GetPresetUserStatusRequest,
)
from ourchat._pb.service.basic.server.v1.server_pb2 import RUNNING_STATUS_UNSPECIFIED
from ourchat._pb.service.basic.support.v1.support_pb2 import (
    CONTACT_ROLE_ADMIN,
    CONTACT_ROLE_SECURITY,
    SupportRequest,
)
from ourchat._pb.service.basic.v1.basic_pb2 import (
    GetIdRequest,
    GetServerInfoRequest,
    PingRequest,
    TimestampRequest,
)
from ourchat.client import OurChatClient
from ourchat.clock import ManualClock
from ourchat.config import Contact
from ourchat.server.app import OurChatServer
from tests.helpers import User, expect_error


async def test_timestamp_is_the_server_clock(
    connect: Callable[[], OurChatClient], clock: ManualClock
) -> None:
    clock.advance(12.5)
    response = await connect().call("Timestamp", TimestampRequest())
    assert response.timestamp.ToMicroseconds() == clock.now_us()


async def test_server_info_reports_status_0_version_and_stable_identity(
    connect: Callable[[], OurChatClient], server: OurChatServer
) -> None:
    first = await connect().call("GetServerInfo", GetServerInfoRequest())
    second = await connect().call("GetServerInfo", GetServerInfoRequest())
    assert first.status == RUNNING_STATUS_UNSPECIFIED  # 0: what the official client shows as normal
    major, minor, patch = (int(x) for x in __version__.split(".")[:3])
    assert (first.server_version.major, first.server_version.minor) == (major, minor)
    assert first.server_version.patch == patch
    assert len(first.server_name) == 10
    assert first.unique_identifier == second.unique_identifier
    assert server.deps is not None
    assert first.unique_identifier == server.deps.identity.unique_identifier


async def test_get_id_finds_a_user_by_ocid(
    connect: Callable[[], OurChatClient], new_user: Callable[..., Awaitable[User]]
) -> None:
    alice = await new_user("alice")
    response = await connect().call("GetId", GetIdRequest(ocid=alice.ocid))
    assert response.id == alice.id
    await expect_error(
        connect().call("GetId", GetIdRequest(ocid="nobody")),
        grpc.StatusCode.NOT_FOUND,
        details.USER_NOT_FOUND,
    )


async def test_ping_and_empty_presets(connect: Callable[[], OurChatClient]) -> None:
    client = connect()
    await client.call("Ping", PingRequest())
    presets = await client.call("GetPresetUserStatus", GetPresetUserStatusRequest())
    assert list(presets.contents) == []


async def test_support_and_presets_come_from_settings(
    server: OurChatServer, connect: Callable[[], OurChatClient]
) -> None:
    assert server.deps is not None
    server.deps.settings.contacts = [
        Contact(role="admin", email_address="admin@example.com"),
        Contact(role="security", ocid="sec0000001", phone_number="+100"),
    ]
    server.deps.settings.support_page = "https://example.com/help"
    server.deps.settings.preset_user_status = ["busy", "away"]
    client = connect()
    support = await client.call("Support", SupportRequest())
    assert [(c.role, c.email_address, c.ocid) for c in support.contacts] == [
        (CONTACT_ROLE_ADMIN, "admin@example.com", ""),
        (CONTACT_ROLE_SECURITY, "", "sec0000001"),
    ]
    assert support.contacts[1].phone_number == "+100"
    assert not support.contacts[0].HasField("phone_number")
    assert support.support_page == "https://example.com/help"
    presets = await client.call("GetPresetUserStatus", GetPresetUserStatusRequest())
    assert list(presets.contents) == ["away", "busy"]


async def test_voip_config_by_default_offers_public_stun_and_no_turn(
    connect: Callable[[], OurChatClient],
) -> None:
    config = await connect().get_voip_config()
    assert list(config.stun_servers) == [
        "stun:stun.l.google.com:19302",
        "stun:stun1.l.google.com:19302",
    ]
    assert (config.turn_enabled, config.turn_server_url, config.turn_username) == (False, "", "")
    assert (config.turn_password, config.turn_ttl) == ("", 86400)
