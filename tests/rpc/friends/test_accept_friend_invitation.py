"""AcceptFriendInvitation: the private session, contact rows, the result event and refusals."""

from __future__ import annotations

import grpc

from ourchat import details
from ourchat._pb.service.ourchat.session.get_session_info.v1 import get_session_info_pb2 as info_pb
from ourchat.ids import PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import contacts, friend_requests, friends, session_members, sessions
from tests.helpers import Stream, expect_error, kinds
from tests.rpc.friends.common import (
    FAIL,
    SUCCESS,
    UNSPECIFIED,
    NewUser,
    add_friend,
    answer,
    befriend,
    next_events,
    rows,
    set_friend_info,
    set_friend_limit,
)


async def test_without_a_request_there_is_nothing_to_accept(new_user: NewUser) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    for status in (SUCCESS, FAIL):
        await expect_error(
            answer(bob, alice.id, status),
            grpc.StatusCode.NOT_FOUND,
            details.FRIEND_INVITATION_NOT_FOUND,
        )
    await add_friend(alice, bob.id)
    # The request goes from alice to bob: alice cannot accept it herself.
    await expect_error(
        answer(alice, bob.id),
        grpc.StatusCode.NOT_FOUND,
        details.FRIEND_INVITATION_NOT_FOUND,
    )


async def test_unspecified_status_is_refused_and_keeps_the_request(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    await add_friend(alice, bob.id)
    for status in (UNSPECIFIED, 7):
        await expect_error(
            answer(bob, alice.id, status),
            grpc.StatusCode.INVALID_ARGUMENT,
            details.REQUEST_INVALID_VALUE,
        )
    assert len(await rows(server, friend_requests)) == 1
    assert (await answer(bob, alice.id)).HasField("session_id")


async def test_accepting_creates_a_private_session_owned_by_both(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    await add_friend(alice, bob.id, display_name="Bobby")
    response = await answer(bob, alice.id, leave_message="sure")
    assert response.HasField("session_id")
    session_id = response.session_id

    [session] = await rows(server, sessions, sessions.c.id == session_id)
    assert (session["name"], session["is_private"], session["e2ee_on"]) == ("", True, False)
    members = await rows(server, session_members, session_members.c.session_id == session_id)
    assert sorted((m["user_id"], m["role_id"]) for m in members) == sorted(
        [(alice.id, PredefinedRole.OWNER), (bob.id, PredefinedRole.OWNER)]
    )
    friend_rows = await rows(server, friends)
    assert sorted((f["user_id"], f["friend_id"], f["session_id"]) for f in friend_rows) == sorted(
        [(alice.id, bob.id, session_id), (bob.id, alice.id, session_id)]
    )
    contact_rows = await rows(server, contacts)
    assert sorted(
        (c["user_id"], c["contact_user_id"], c["display_name"]) for c in contact_rows
    ) == sorted([(alice.id, bob.id, "Bobby"), (bob.id, alice.id, None)])
    assert await rows(server, friend_requests) == []
    for user in (alice, bob):
        info = await user.client.call(
            "GetSessionInfo",
            info_pb.GetSessionInfoRequest(
                session_id=session_id,
                query_values=[
                    info_pb.QUERY_VALUES_NAME,
                    info_pb.QUERY_VALUES_MEMBERS,
                    info_pb.QUERY_VALUES_ROLES,
                    info_pb.QUERY_VALUES_SIZE,
                ],
            ),
        )
        assert (info.name, info.size) == ("", 2)
        assert sorted(info.members) == sorted([alice.id, bob.id])
        assert sorted((r.user_id, r.role) for r in info.roles) == sorted(
            [(alice.id, PredefinedRole.OWNER), (bob.id, PredefinedRole.OWNER)]
        )
    # The request was consumed.
    await expect_error(
        answer(bob, alice.id),
        grpc.StatusCode.NOT_FOUND,
        details.FRIEND_INVITATION_NOT_FOUND,
    )


async def test_friends_talk_in_their_session(server: OurChatServer, new_user: NewUser) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    session_id = await befriend(alice, bob)
    live = {u.id: Stream(u.client, since_us=0) for u in (alice, bob, carol)}
    # Replay first: each sees the invitation and the result.
    for user in (alice, bob):
        assert kinds(await next_events(live[user.id], 2)) == [
            "new_friend_invitation_notification",
            "friend_invitation_result_notification",
        ]
    from_alice = await alice.client.send_msg(session_id, "hi bob")
    from_bob = await bob.client.send_msg(session_id, "hi alice")
    for user in (alice, bob):
        got = (await next_events(live[user.id], 4))[2:]
        assert [(e.msg_id, e.msg.sender_id, e.msg.markdown_text) for e in got] == [
            (from_alice.msg_id, alice.id, "hi bob"),
            (from_bob.msg_id, bob.id, "hi alice"),
        ]
    assert await live[carol.id].settle() == []
    await expect_error(
        carol.client.send_msg(session_id, "let me in"),
        grpc.StatusCode.PERMISSION_DENIED,
        details.USER_NOT_IN_SESSION,
    )
    for stream in live.values():
        await stream.close()


async def test_result_reaches_both_live_and_on_replay_but_nobody_else(
    new_user: NewUser,
) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    await add_friend(alice, bob.id)
    live = {u.id: Stream(u.client, since_us=0) for u in (alice, bob, carol)}
    [invitation] = await next_events(live[alice.id], 1)
    response = await answer(bob, alice.id, leave_message="welcome")
    [_, to_alice] = await next_events(live[alice.id], 2)
    [_, to_bob] = await next_events(live[bob.id], 2)
    assert kinds([to_alice]) == ["friend_invitation_result_notification"]
    note = to_alice.friend_invitation_result_notification
    assert (note.inviter_id, note.invitee_id, note.leave_message, note.status) == (
        alice.id,
        bob.id,
        "welcome",
        SUCCESS,
    )
    assert note.HasField("session_id")
    assert note.session_id == response.session_id
    assert to_bob == to_alice
    assert await live[carol.id].settle() == []
    for stream in live.values():
        await stream.close()

    since = invitation.time.ToMicroseconds()
    for user in (alice, bob):
        replay = Stream(user.client, since_us=since)
        [again] = await next_events(replay, 1)
        assert again == to_alice
        assert await replay.settle(0.1) == [again]
        await replay.close()


async def test_declining_creates_nothing_and_tells_the_inviter(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    await add_friend(alice, bob.id, display_name="Bobby")
    stream = Stream(alice.client)
    await next_events(stream, 1)
    response = await answer(bob, alice.id, FAIL, leave_message="no thanks")
    assert not response.HasField("session_id")
    [_, result] = await next_events(stream, 2)
    note = result.friend_invitation_result_notification
    assert (note.inviter_id, note.invitee_id, note.status, note.leave_message) == (
        alice.id,
        bob.id,
        FAIL,
        "no thanks",
    )
    assert not note.HasField("session_id")
    await stream.close()
    for table in (sessions, friends, contacts, friend_requests):
        assert await rows(server, table) == []
    await expect_error(
        answer(bob, alice.id),
        grpc.StatusCode.NOT_FOUND,
        details.FRIEND_INVITATION_NOT_FOUND,
    )


async def test_existing_contact_rows_never_make_accepting_fail(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    await set_friend_info(alice, bob.id, "my bob")
    await set_friend_info(bob, alice.id, "my alice")
    await befriend(alice, bob, display_name="Bobby")
    contact_rows = await rows(server, contacts)
    assert sorted(
        (c["user_id"], c["contact_user_id"], c["display_name"]) for c in contact_rows
    ) == sorted([(alice.id, bob.id, "Bobby"), (bob.id, alice.id, "my alice")])
    # A request without a name keeps the name the inviter already gave.
    await set_friend_info(alice, carol.id, "my carol")
    await befriend(alice, carol)
    [name] = await rows(
        server, contacts, contacts.c.user_id == alice.id, contacts.c.contact_user_id == carol.id
    )
    assert name["display_name"] == "my carol"


async def test_friend_limits_are_checked_again_when_accepting(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob, carol, dave = [await new_user(n) for n in ("alice", "bob", "carol", "dave")]
    await add_friend(alice, bob.id)
    await set_friend_limit(server, bob, 0)
    await expect_error(
        answer(bob, alice.id),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        details.FRIEND_LIMIT_REACHED,
    )
    assert await rows(server, friends) == []
    assert len(await rows(server, friend_requests)) == 1  # still pending
    # Declining needs no room.
    await answer(bob, alice.id, FAIL)

    # The inviter filled up after asking.
    await set_friend_limit(server, carol, 1)
    await add_friend(carol, alice.id)
    await befriend(carol, dave)
    await expect_error(
        answer(alice, carol.id),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        details.FRIEND_LIMIT_REACHED,
    )
    assert not await rows(server, friends, friends.c.user_id == alice.id)


async def test_mutual_requests_end_in_one_friendship(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    await add_friend(alice, bob.id)
    await add_friend(bob, alice.id)
    await answer(bob, alice.id)
    assert await rows(server, friend_requests) == []
    await expect_error(
        answer(alice, bob.id),
        grpc.StatusCode.NOT_FOUND,
        details.FRIEND_INVITATION_NOT_FOUND,
    )
    assert len(await rows(server, friends)) == 2
    assert len(await rows(server, sessions)) == 1
