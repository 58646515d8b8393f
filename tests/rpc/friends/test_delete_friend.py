"""DeleteFriend: both rows and the private session go, contact names stay, nobody is told."""

from __future__ import annotations

import grpc

from ourchat import details
from ourchat._pb.service.ourchat.friends.delete_friend.v1.delete_friend_pb2 import (
    DeleteFriendRequest,
)
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import contacts, events, friends, session_members, sessions
from tests.helpers import Stream, User, expect_error, kinds
from tests.rpc.friends.common import NewUser, add_friend, befriend, next_events, rows


async def _delete(user: User, friend_id: int) -> object:
    return await user.client.call("DeleteFriend", DeleteFriendRequest(friend_id=friend_id))


async def test_no_friend_row_is_not_found(new_user: NewUser) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    await expect_error(_delete(alice, bob.id), grpc.StatusCode.NOT_FOUND, details.FRIEND_NOT_FOUND)
    await expect_error(_delete(alice, 12345), grpc.StatusCode.NOT_FOUND, details.FRIEND_NOT_FOUND)
    await add_friend(alice, bob.id)  # a pending request is not a friendship
    await expect_error(_delete(alice, bob.id), grpc.StatusCode.NOT_FOUND, details.FRIEND_NOT_FOUND)


async def test_deleting_removes_both_rows_and_the_private_session(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    session_id = await befriend(alice, bob, display_name="Bobby")
    other_session = await befriend(alice, carol)
    sent = await bob.client.send_msg(session_id, "bye?")
    bob_stream = Stream(bob.client, since_us=0)
    await next_events(bob_stream, 3)  # invitation, result, the message

    await _delete(alice, bob.id)

    assert await rows(server, sessions, sessions.c.id == session_id) == []
    assert await rows(server, session_members, session_members.c.session_id == session_id) == []
    assert await rows(server, events, events.c.msg_id == sent.msg_id) == []
    remaining = await rows(server, friends)
    assert sorted((f["user_id"], f["friend_id"]) for f in remaining) == sorted(
        [(alice.id, carol.id), (carol.id, alice.id)]
    )
    assert len(await rows(server, sessions, sessions.c.id == other_session)) == 1
    names = await rows(server, contacts, contacts.c.user_id == alice.id)
    assert {(c["contact_user_id"], c["display_name"]) for c in names} == {
        (bob.id, "Bobby"),
        (carol.id, None),
    }
    assert len(await bob_stream.settle()) == 3  # no event announces the end
    await bob_stream.close()
    for user in (alice, bob):
        await expect_error(
            user.client.send_msg(session_id, "still there?"),
            grpc.StatusCode.PERMISSION_DENIED,
            details.USER_NOT_IN_SESSION,
        )
    await expect_error(_delete(bob, alice.id), grpc.StatusCode.NOT_FOUND, details.FRIEND_NOT_FOUND)
    replay = Stream(bob.client, since_us=0)
    await next_events(replay, 2)
    assert kinds(await replay.settle(0.1)) == [  # the session's messages went with it
        "new_friend_invitation_notification",
        "friend_invitation_result_notification",
    ]
    await replay.close()


async def test_former_friends_can_befriend_again(server: OurChatServer, new_user: NewUser) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    first = await befriend(alice, bob)
    await _delete(bob, alice.id)
    second = await befriend(bob, alice)
    assert second != first
    assert {f["session_id"] for f in await rows(server, friends)} == {second}
