"""SetFriendInfo: the caller's name for another user, with or without a friendship."""

from __future__ import annotations

import grpc

from ourchat import details
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import contacts
from tests.helpers import expect_error
from tests.rpc.friends.common import NewUser, befriend, rows, set_friend_info


async def test_unknown_user_and_overlong_name_are_refused(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    await expect_error(
        set_friend_info(alice, 987654321, "ghost"),
        grpc.StatusCode.NOT_FOUND,
        details.USER_NOT_FOUND,
    )
    await expect_error(
        set_friend_info(alice, 987654321, None),
        grpc.StatusCode.NOT_FOUND,
        details.USER_NOT_FOUND,
    )
    await expect_error(
        set_friend_info(alice, bob.id, "x" * 201),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
    assert await rows(server, contacts) == []


async def test_sets_and_overwrites_the_name_only_for_the_caller(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    await set_friend_info(alice, bob.id, None)  # nothing to set
    assert await rows(server, contacts) == []
    await set_friend_info(alice, bob.id, "B" * 200)
    await set_friend_info(alice, bob.id, "Robert")
    await set_friend_info(alice, bob.id, None)  # keeps the name
    [row] = await rows(server, contacts)
    assert (row["user_id"], row["contact_user_id"], row["display_name"]) == (
        alice.id,
        bob.id,
        "Robert",
    )


async def test_renaming_a_friend_keeps_the_friendship(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    await befriend(alice, bob, display_name="Bobby")
    await set_friend_info(bob, alice.id, "Ally")
    names = {
        (c["user_id"], c["contact_user_id"]): c["display_name"]
        for c in await rows(server, contacts)
    }
    assert names == {(alice.id, bob.id): "Bobby", (bob.id, alice.id): "Ally"}
