"""AddFriend: refusals, the friend limit, the stored request and who sees the invitation."""

from __future__ import annotations

import grpc

from ourchat import details
from ourchat.clock import US_PER_SECOND, ManualClock
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import event_recipients, events, friend_requests
from tests.helpers import Stream, expect_error, kinds
from tests.rpc.friends.common import (
    NewUser,
    add_friend,
    answer,
    befriend,
    next_events,
    rows,
    set_friend_limit,
)


async def test_refusals_carry_exact_codes_and_details(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    await expect_error(
        add_friend(alice, 987654321), grpc.StatusCode.NOT_FOUND, details.USER_NOT_FOUND
    )
    await expect_error(
        add_friend(alice, alice.id),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
    await expect_error(
        add_friend(alice, bob.id, display_name="x" * 201),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
    await befriend(alice, bob)
    for inviter, invitee in ((alice, bob), (bob, alice)):
        await expect_error(
            add_friend(inviter, invitee.id),
            grpc.StatusCode.ALREADY_EXISTS,
            details.FRIEND_ALREADY_EXISTS,
        )
    assert await rows(server, friend_requests) == []


async def test_refused_requests_store_nothing(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    await expect_error(
        add_friend(alice, alice.id),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
    await expect_error(add_friend(alice, 42), grpc.StatusCode.NOT_FOUND, details.USER_NOT_FOUND)
    assert await rows(server, friend_requests) == []
    assert await rows(server, events) == []


async def test_friend_limit_is_enforced_for_the_inviter(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    await set_friend_limit(server, alice, 1)
    await add_friend(alice, bob.id)  # room for one
    await befriend(alice, bob)
    await expect_error(
        add_friend(alice, carol.id),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        details.FRIEND_LIMIT_REACHED,
    )
    assert await rows(server, friend_requests, friend_requests.c.invitee_id == carol.id) == []
    await set_friend_limit(server, alice, 2)
    await add_friend(alice, carol.id)


async def test_invitee_and_inviter_see_one_invitation_live_and_on_replay(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    live = {u.id: Stream(u.client) for u in (alice, bob, carol)}
    await add_friend(alice, bob.id, leave_message="hi bob", display_name="Bobby")
    [to_bob] = await next_events(live[bob.id], 1)
    [to_alice] = await next_events(live[alice.id], 1)
    assert kinds([to_bob]) == ["new_friend_invitation_notification"]
    note = to_bob.new_friend_invitation_notification
    assert (note.inviter_id, note.invitee_id, note.leave_message) == (alice.id, bob.id, "hi bob")
    assert to_alice == to_bob  # the same msg_id, time and content for both
    assert await live[carol.id].settle() == []
    for stream in live.values():
        await stream.close()

    for user in (alice, bob):
        replay = Stream(user.client)
        [again] = await next_events(replay, 1)
        assert again == to_bob
        assert await replay.settle(0.1) == [again]
        await replay.close()
    replay = Stream(carol.client)
    assert await replay.settle() == []
    await replay.close()

    [stored] = await rows(server, events)
    assert stored["msg_id"] == to_bob.msg_id
    assert stored["time"] == to_bob.time.ToMicroseconds()
    recipients = await rows(server, event_recipients)
    assert sorted(r["user_id"] for r in recipients) == sorted([alice.id, bob.id])


async def test_the_request_row_expires_after_the_configured_time(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    expiry = server.deps.settings.add_friend_request_expiry_seconds
    alice, bob = await new_user("alice"), await new_user("bob")
    await add_friend(alice, bob.id, leave_message="hello", display_name="B")
    [request] = await rows(server, friend_requests)
    assert (request["inviter_id"], request["invitee_id"]) == (alice.id, bob.id)
    assert (request["leave_message"], request["display_name"]) == ("hello", "B")
    assert request["created_at"] == clock.now_us()
    assert request["expires_at"] == clock.now_us() + expiry * US_PER_SECOND
    clock.advance(expiry)
    await expect_error(
        answer(bob, alice.id),
        grpc.StatusCode.NOT_FOUND,
        details.FRIEND_INVITATION_NOT_FOUND,
    )


async def test_resending_refreshes_the_request_and_its_expiry(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    expiry = server.deps.settings.add_friend_request_expiry_seconds
    alice, bob = await new_user("alice"), await new_user("bob")
    await add_friend(alice, bob.id, leave_message="first", display_name="old")
    clock.advance(expiry - 10)
    await add_friend(alice, bob.id, leave_message="second")
    [request] = await rows(server, friend_requests)
    assert (request["leave_message"], request["display_name"]) == ("second", None)
    assert request["expires_at"] == clock.now_us() + expiry * US_PER_SECOND
    clock.advance(20)  # past the first request's expiry, within the second's
    response = await answer(bob, alice.id)
    assert response.HasField("session_id")
    # Each request was announced: two invitation events for bob.
    stream = Stream(bob.client)
    got = await next_events(stream, 3)
    assert kinds(got) == [
        "new_friend_invitation_notification",
        "new_friend_invitation_notification",
        "friend_invitation_result_notification",
    ]
    assert [e.new_friend_invitation_notification.leave_message for e in got[:2]] == [
        "first",
        "second",
    ]
    await stream.close()
