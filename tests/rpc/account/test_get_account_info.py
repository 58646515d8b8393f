"""OurChatService.GetAccountInfo: values about oneself and others, owner-only values, errors."""

from __future__ import annotations

import grpc

from ourchat import details
from ourchat._pb.service.ourchat.unregister.v1.unregister_pb2 import UnregisterRequest
from ourchat.clock import ManualClock
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import contacts, friends
from tests.helpers import expect_error, make_group, png
from tests.rpc.account.common import (
    ALL_VALUES,
    OWNER_ONLY,
    PUBLIC,
    NewUser,
    Q,
    account_info,
    insert_row,
    set_self_info,
)
from tests.rpc.auth.common import deps_of, set_user_fields, user_row
from tests.rpc.files.support import upload
from tests.rpc.friends.common import befriend, set_friend_info

OPTIONAL_FIELDS = [
    "ocid",
    "email",
    "user_name",
    "display_name",
    "status",
    "avatar_key",
    "register_time",
    "public_updated_time",
    "updated_time",
]


def set_fields(response: Q.GetAccountInfoResponse) -> set[str]:
    """Names of the optional fields present in a response, plus non-empty repeated ones."""
    present = {name for name in OPTIONAL_FIELDS if response.HasField(name)}
    return present | {name for name in ("sessions", "friends") if getattr(response, name)}


async def test_everything_about_oneself(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    registered_at = clock.now_us()
    alice = await new_user("alice")
    clock.advance(5)
    info = await account_info(alice, ALL_VALUES)
    assert info.ocid == alice.ocid
    assert info.email == alice.email
    assert info.user_name == alice.name
    assert not info.HasField("display_name")  # never set for oneself
    assert not info.HasField("status")  # none set yet
    assert info.HasField("avatar_key")
    assert info.avatar_key == ""
    assert info.register_time.ToMicroseconds() == registered_at
    assert info.public_updated_time.ToMicroseconds() == registered_at
    assert info.updated_time.ToMicroseconds() == registered_at
    assert (list(info.sessions), list(info.friends)) == ([], [])
    # Naming oneself by id is the same as not naming anyone.
    assert await account_info(alice, ALL_VALUES, target=alice.id) == info


async def test_only_requested_values_are_answered(new_user: NewUser) -> None:
    alice = await new_user("alice")
    assert set_fields(await account_info(alice, [])) == set()
    assert set_fields(await account_info(alice, [Q.QUERY_VALUES_UNSPECIFIED])) == set()
    info = await account_info(
        alice, [Q.QUERY_VALUES_OCID, Q.QUERY_VALUES_UNSPECIFIED, Q.QUERY_VALUES_OCID]
    )
    assert set_fields(info) == {"ocid"}
    info = await account_info(alice, [Q.QUERY_VALUES_USER_NAME, Q.QUERY_VALUES_REGISTER_TIME])
    assert set_fields(info) == {"user_name", "register_time"}


async def test_public_values_of_another_user(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    avatar = await upload(bob.client, png(b"avatar of bob"))
    await set_self_info(bob, avatar_key=avatar, user_defined_status="busy")
    info = await account_info(alice, PUBLIC, target=bob.id)
    row = await user_row(server, bob.id)
    assert row is not None
    assert info.ocid == bob.ocid
    assert info.user_name == bob.name
    assert info.HasField("display_name")
    assert info.display_name == ""  # alice has no name for bob
    assert info.status == "busy"
    assert info.avatar_key == avatar
    assert info.register_time.ToMicroseconds() == row["register_time"]
    assert info.public_updated_time.ToMicroseconds() == row["public_update_time"]
    assert set_fields(info) == {
        "ocid",
        "user_name",
        "display_name",
        "status",
        "avatar_key",
        "register_time",
        "public_updated_time",
    }


async def test_display_name_is_the_callers_contact_name(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    carol = await new_user("carol")
    await befriend(alice, bob)
    await set_friend_info(alice, bob.id, "Bobby")
    await insert_row(server, contacts, user_id=carol.id, contact_user_id=bob.id, display_name=None)
    by_alice = await account_info(alice, [Q.QUERY_VALUES_DISPLAY_NAME], target=bob.id)
    by_carol = await account_info(carol, [Q.QUERY_VALUES_DISPLAY_NAME], target=bob.id)
    by_bob = await account_info(bob, [Q.QUERY_VALUES_DISPLAY_NAME], target=alice.id)
    by_self = await account_info(bob, [Q.QUERY_VALUES_DISPLAY_NAME])
    assert by_alice.display_name == "Bobby"
    assert by_carol.HasField("display_name")
    assert by_carol.display_name == ""  # a contact row without a name
    assert by_bob.display_name == ""
    assert not by_self.HasField("display_name")


async def test_owner_only_values_of_another_user_are_refused_whole(new_user: NewUser) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    for value in OWNER_ONLY:
        await expect_error(
            account_info(alice, [value], target=bob.id),
            grpc.StatusCode.PERMISSION_DENIED,
            details.PERMISSION_DENIED,
        )
        await expect_error(
            account_info(alice, [Q.QUERY_VALUES_OCID, value, Q.QUERY_VALUES_USER_NAME], bob.id),
            grpc.StatusCode.PERMISSION_DENIED,
            details.PERMISSION_DENIED,
        )


async def test_unknown_values_are_refused(new_user: NewUser) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    for values in ([12], [99], [-1], [Q.QUERY_VALUES_OCID, 12]):
        for target in (None, bob.id):
            await expect_error(
                account_info(alice, values, target=target),
                grpc.StatusCode.INVALID_ARGUMENT,
                details.REQUEST_INVALID_VALUE,
            )


async def test_unknown_target_is_not_found(new_user: NewUser) -> None:
    alice = await new_user("alice")
    for target in (0, alice.id + 1, 2**63 - 1, 2**63, 2**64 - 1):
        await expect_error(
            account_info(alice, [Q.QUERY_VALUES_OCID], target=target),
            grpc.StatusCode.NOT_FOUND,
            details.USER_NOT_FOUND,
        )


async def test_errors_come_in_order_not_found_invalid_permission(new_user: NewUser) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    await expect_error(
        account_info(alice, [99, Q.QUERY_VALUES_EMAIL], target=bob.id + 1),
        grpc.StatusCode.NOT_FOUND,
        details.USER_NOT_FOUND,
    )
    await expect_error(
        account_info(alice, [Q.QUERY_VALUES_EMAIL, 99], target=bob.id),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )


async def test_status_is_shown_until_it_expires(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    deps_of(server).settings.user_defined_status_ttl_seconds = 3600
    alice = await new_user("alice")
    bob = await new_user("bob")
    await set_self_info(alice, user_defined_status="in a meeting")
    clock.advance(3599)
    for viewer, target in ((alice, None), (bob, alice.id)):
        info = await account_info(viewer, [Q.QUERY_VALUES_STATUS], target=target)
        assert info.status == "in a meeting"
    clock.advance(1)
    for viewer, target in ((alice, None), (bob, alice.id)):
        info = await account_info(viewer, [Q.QUERY_VALUES_STATUS], target=target)
        assert not info.HasField("status")


async def test_sessions_and_friends_of_oneself(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    carol = await new_user("carol")
    group = await make_group(deps_of(server), alice, carol)
    other_group = await make_group(deps_of(server), bob, carol)
    private = await befriend(alice, bob)
    info = await account_info(alice, [Q.QUERY_VALUES_SESSIONS, Q.QUERY_VALUES_FRIENDS])
    assert sorted(info.sessions) == sorted([group, private])
    assert other_group not in info.sessions
    assert list(info.friends) == [bob.id]
    # A friend row is what counts, as the protocol says.
    await insert_row(server, friends, user_id=alice.id, friend_id=carol.id, session_id=None)
    info = await account_info(alice, [Q.QUERY_VALUES_FRIENDS])
    assert sorted(info.friends) == sorted([bob.id, carol.id])
    info = await account_info(carol, [Q.QUERY_VALUES_SESSIONS, Q.QUERY_VALUES_FRIENDS])
    assert sorted(info.sessions) == sorted([group, other_group])
    assert list(info.friends) == []


async def test_disabled_accounts_are_still_shown(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    await bob.client.call("Unregister", UnregisterRequest())
    info = await account_info(alice, [Q.QUERY_VALUES_OCID, Q.QUERY_VALUES_USER_NAME], bob.id)
    assert (info.ocid, info.user_name) == (bob.ocid, bob.name)


async def test_deleted_accounts_are_not_found(server: OurChatServer, new_user: NewUser) -> None:
    deps_of(server).settings.unregister_policy = "delete"
    alice = await new_user("alice")
    bob = await new_user("bob")
    await bob.client.call("Unregister", UnregisterRequest())
    await expect_error(
        account_info(alice, [Q.QUERY_VALUES_OCID], target=bob.id),
        grpc.StatusCode.NOT_FOUND,
        details.USER_NOT_FOUND,
    )


async def test_avatar_key_and_times_follow_the_row(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    await set_user_fields(
        server, alice.id, avatar_key="k1", update_time=111, public_update_time=222
    )
    info = await account_info(
        alice,
        [
            Q.QUERY_VALUES_AVATAR_KEY,
            Q.QUERY_VALUES_UPDATED_TIME,
            Q.QUERY_VALUES_PUBLIC_UPDATED_TIME,
        ],
    )
    assert info.avatar_key == "k1"
    assert info.updated_time.ToMicroseconds() == 111
    assert info.public_updated_time.ToMicroseconds() == 222
