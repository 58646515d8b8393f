"""OurChatService.SetSelfInfo: name, status, avatar and ocid rules, all checked before writing."""

from __future__ import annotations

from typing import Any

import grpc

from ourchat import details
from ourchat._pb.service.basic.v1.basic_pb2 import GetIdRequest
from ourchat.client import OurChatClient
from ourchat.clock import US_PER_SECOND, ManualClock
from ourchat.server.app import OurChatServer
from tests.helpers import PASSWORD, Stream, User, expect_error, png
from tests.rpc.account.common import NewUser, Q, account_info, set_self_info
from tests.rpc.auth.common import deps_of, user_row
from tests.rpc.files.support import upload
from tests.rpc.friends.common import befriend

PROFILE_COLUMNS = (
    "name",
    "ocid",
    "avatar_key",
    "user_status",
    "user_status_expires_at",
    "update_time",
    "public_update_time",
)


async def profile(server: OurChatServer, user: User) -> dict[str, Any]:
    """The profile columns of one user."""
    row = await user_row(server, user.id)
    assert row is not None
    return {column: row[column] for column in PROFILE_COLUMNS}


async def test_changing_everything_at_once(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    ttl = deps_of(server).settings.user_defined_status_ttl_seconds
    alice = await new_user("alice")
    avatar = await upload(alice.client, png(b"avatar"))  # an avatar must be a file alice may read
    clock.advance(10)
    await set_self_info(
        alice,
        user_name="Alice Liddell",
        avatar_key=avatar,
        user_defined_status="down the rabbit hole",
        ocid="alice-in-wonderland",
    )
    now = clock.now_us()
    assert await profile(server, alice) == {
        "name": "Alice Liddell",
        "ocid": "alice-in-wonderland",
        "avatar_key": avatar,
        "user_status": "down the rabbit hole",
        "user_status_expires_at": now + ttl * US_PER_SECOND,
        "update_time": now,
        "public_update_time": now,
    }
    info = await account_info(
        alice,
        [
            Q.QUERY_VALUES_USER_NAME,
            Q.QUERY_VALUES_AVATAR_KEY,
            Q.QUERY_VALUES_STATUS,
            Q.QUERY_VALUES_OCID,
            Q.QUERY_VALUES_UPDATED_TIME,
            Q.QUERY_VALUES_PUBLIC_UPDATED_TIME,
        ],
    )
    assert (info.user_name, info.avatar_key, info.status, info.ocid) == (
        "Alice Liddell",
        avatar,
        "down the rabbit hole",
        "alice-in-wonderland",
    )
    assert info.updated_time.ToMicroseconds() == now
    assert info.public_updated_time.ToMicroseconds() == now


async def test_update_time_always_public_update_time_only_on_a_change(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    alice = await new_user("alice")
    avatar = await upload(alice.client, png(b"avatar"))
    registered = clock.now_us()
    steps: list[dict[str, str]] = [
        {},
        {"user_name": alice.name},
        {"ocid": alice.ocid},
        {"avatar_key": ""},
        {"user_defined_status": ""},
    ]
    for fields in steps:
        clock.advance(1)
        await set_self_info(alice, **fields)
        columns = await profile(server, alice)
        assert (columns["update_time"], columns["public_update_time"]) == (
            clock.now_us(),
            registered,
        ), fields
    changes: list[dict[str, str]] = [
        {"user_name": "new name"},
        {"ocid": "new-ocid"},
        {"avatar_key": avatar},
        {"user_defined_status": "here"},
        {"avatar_key": ""},
        {"user_defined_status": ""},
    ]
    for fields in changes:
        clock.advance(1)
        await set_self_info(alice, **fields)
        columns = await profile(server, alice)
        assert columns["update_time"] == columns["public_update_time"] == clock.now_us(), fields


async def test_invalid_name_is_refused(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    before = await profile(server, alice)
    for name in ("", "   ", "a" * 61, "\u00e9" * 31):
        await expect_error(
            set_self_info(alice, user_name=name),
            grpc.StatusCode.INVALID_ARGUMENT,
            details.USERNAME_INVALID,
        )
    assert await profile(server, alice) == before
    await set_self_info(alice, user_name="\u00e9" * 30)  # 60 bytes
    assert (await profile(server, alice))["name"] == "\u00e9" * 30


async def test_status_up_to_128_bytes(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    before = await profile(server, alice)
    for status in ("s" * 129, "\u00e9" * 65):
        await expect_error(
            set_self_info(alice, user_defined_status=status),
            grpc.StatusCode.INVALID_ARGUMENT,
            details.STATUS_TOO_LONG,
        )
    assert await profile(server, alice) == before
    await set_self_info(alice, user_defined_status="\u00e9" * 64)
    assert (await profile(server, alice))["user_status"] == "\u00e9" * 64


async def test_ocid_up_to_50_bytes(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    before = await profile(server, alice)
    for ocid in ("o" * 51, "\u00e9" * 26):
        await expect_error(
            set_self_info(alice, ocid=ocid),
            grpc.StatusCode.INVALID_ARGUMENT,
            details.OCID_TOO_LONG,
        )
    assert await profile(server, alice) == before
    await set_self_info(alice, ocid="o" * 50)
    assert (await profile(server, alice))["ocid"] == "o" * 50


async def test_taken_ocid_is_a_conflict(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    before = await profile(server, alice)
    await expect_error(
        set_self_info(alice, ocid=bob.ocid),
        grpc.StatusCode.ALREADY_EXISTS,
        details.CONFLICT,
    )
    assert await profile(server, alice) == before
    await set_self_info(alice, ocid=alice.ocid)  # one's own ocid is no conflict


async def test_a_new_ocid_is_used_for_login_and_lookup(
    server: OurChatServer, connect: Any, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    await set_self_info(alice, ocid="wonderland")
    client: OurChatClient = connect()
    assert (await client.call("GetId", GetIdRequest(ocid="wonderland"))).id == alice.id
    assert (await client.login(PASSWORD, ocid="wonderland")).id == alice.id
    await expect_error(
        client.login(PASSWORD, ocid=alice.ocid),
        grpc.StatusCode.NOT_FOUND,
        details.USER_NOT_FOUND,
    )
    # The old ocid is free again.
    bob = await new_user("bob")
    await set_self_info(bob, ocid=alice.ocid)


async def test_nothing_is_written_when_a_later_check_fails(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    before = await profile(server, alice)
    avatar = await upload(alice.client, png(b"avatar"))
    good = {"user_name": "new", "user_defined_status": "new status", "avatar_key": avatar}
    await expect_error(
        set_self_info(alice, **good, ocid="x" * 51),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.OCID_TOO_LONG,
    )
    await expect_error(
        set_self_info(alice, **good, ocid=bob.ocid),
        grpc.StatusCode.ALREADY_EXISTS,
        details.CONFLICT,
    )
    await expect_error(
        set_self_info(alice, **{**good, "avatar_key": "k" * 129}),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
    await expect_error(
        set_self_info(alice, user_name="ok", user_defined_status="s" * 129),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.STATUS_TOO_LONG,
    )
    assert await profile(server, alice) == before


async def test_checks_come_in_order(new_user: NewUser) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    await expect_error(
        set_self_info(alice, user_name="", user_defined_status="s" * 129, ocid="o" * 51),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.USERNAME_INVALID,
    )
    await expect_error(
        set_self_info(alice, user_defined_status="s" * 129, ocid="o" * 51),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.STATUS_TOO_LONG,
    )
    await expect_error(
        set_self_info(alice, ocid="o" * 51, avatar_key="k" * 129),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.OCID_TOO_LONG,
    )
    await expect_error(
        set_self_info(alice, avatar_key="k" * 129, ocid=bob.ocid),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )


async def test_status_lives_for_the_configured_time(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    deps_of(server).settings.user_defined_status_ttl_seconds = 60
    alice = await new_user("alice")
    await set_self_info(alice, user_defined_status="lunch")
    assert (await profile(server, alice))["user_status_expires_at"] == clock.now_us() + 60 * (
        US_PER_SECOND
    )
    clock.advance(59)
    assert (await account_info(alice, [Q.QUERY_VALUES_STATUS])).status == "lunch"
    await set_self_info(alice, user_defined_status="lunch")  # setting it again restarts the time
    clock.advance(59)
    assert (await account_info(alice, [Q.QUERY_VALUES_STATUS])).status == "lunch"
    clock.advance(1)
    assert not (await account_info(alice, [Q.QUERY_VALUES_STATUS])).HasField("status")
    # Setting the same text again after it expired is a visible change.
    clock.advance(1)
    await set_self_info(alice, user_defined_status="lunch")
    columns = await profile(server, alice)
    assert columns["public_update_time"] == clock.now_us()


async def test_empty_status_and_avatar_clear_them(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    avatar = await upload(alice.client, png(b"avatar"))
    await set_self_info(alice, user_defined_status="here", avatar_key=avatar)
    await set_self_info(alice, user_defined_status="", avatar_key="")
    columns = await profile(server, alice)
    assert (columns["user_status"], columns["user_status_expires_at"]) == (None, None)
    assert columns["avatar_key"] is None
    info = await account_info(alice, [Q.QUERY_VALUES_STATUS, Q.QUERY_VALUES_AVATAR_KEY])
    assert not info.HasField("status")
    assert info.avatar_key == ""


async def test_absent_fields_stay_as_they_are(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    avatar = await upload(alice.client, png(b"avatar"))
    await set_self_info(alice, user_name="n", user_defined_status="s", avatar_key=avatar, ocid="o")
    before = await profile(server, alice)
    await set_self_info(alice, user_name="m")
    after = await profile(server, alice)
    assert after["name"] == "m"
    assert {k: after[k] for k in ("ocid", "avatar_key", "user_status")} == {
        k: before[k] for k in ("ocid", "avatar_key", "user_status")
    }


async def test_nobody_is_notified(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    await befriend(alice, bob)
    streams = [Stream(alice.client), Stream(bob.client)]
    try:
        before = [len(await s.settle(0.3)) for s in streams]
        await set_self_info(alice, user_name="new", user_defined_status="s", ocid="new-ocid")
        after = [len(await s.settle(0.3)) for s in streams]
        assert after == before
        assert all(s.error is None for s in streams)
    finally:
        for s in streams:
            await s.close()
