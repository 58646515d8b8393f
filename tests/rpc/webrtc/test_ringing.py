"""Ringing: an invitation into a room rings the invitee live, and an invitee who leaves without
having joined declines it, which the members are told (docs/calls.md)."""

from __future__ import annotations

from ourchat.server.app import OurChatServer
from tests.helpers import Stream, kinds
from tests.rpc.webrtc.common import NewUser, notices, stored_invitations, stored_members, streams


async def test_an_invitation_rings_the_invitee_only_and_live(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    room_id = await alice.client.create_room(title="Video call: team")
    await alice.client.join_room(room_id)
    alice_stream, bob_stream, carol_stream = await streams(server.deps, alice, bob, carol)

    await alice.client.invite_user_to_room(room_id=room_id, user_id=bob.id)

    [ring] = await bob_stream.wait_for(1)
    assert kinds([ring]) == ["room_invitation"]
    value = ring.room_invitation  # type: ignore[attr-defined]
    assert (value.room_id, value.inviter_id, value.title) == (room_id, alice.id, "Video call: team")
    assert ring.msg_id > 0  # type: ignore[attr-defined]
    assert await alice_stream.settle() == []
    assert await carol_stream.settle() == []
    # Live only: a stream replaying from the start does not ring again.
    replay = Stream(bob.client)
    assert await replay.settle(0.5) == []


async def test_an_untitled_room_rings_with_an_empty_title(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    room_id = await alice.client.create_room()
    [bob_stream] = await streams(server.deps, bob)
    await alice.client.invite_user_to_room(room_id=room_id, user_id=bob.id)
    [ring] = await bob_stream.wait_for(1)
    assert ring.room_invitation.title == ""  # type: ignore[attr-defined]


async def test_leaving_with_an_invitation_declines_it_and_tells_the_members(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    room_id = await alice.client.create_room(title="call")
    await alice.client.join_room(room_id)
    await alice.client.invite_user_to_room(room_id=room_id, user_id=bob.id)
    await alice.client.invite_user_to_room(room_id=room_id, user_id=carol.id)
    await carol.client.join_room(room_id)
    alice_stream, bob_stream, carol_stream = await streams(server.deps, alice, bob, carol)

    await bob.client.leave_room(room_id)

    assert await stored_invitations(server.deps, room_id) == set()
    assert bob.id not in await stored_members(server.deps, room_id)
    for stream in (alice_stream, carol_stream):
        [event] = await stream.wait_for(1)
        value = event.room_invitation_declined  # type: ignore[attr-defined]
        assert kinds([event]) == ["room_invitation_declined"]
        assert (value.room_id, value.user_id) == (room_id, bob.id)
    assert await bob_stream.settle() == []

    # Declined means gone: a second leave tells nobody, joining needs a new invitation.
    await bob.client.leave_room(room_id)
    await alice.client.invite_user_to_room(room_id=room_id, user_id=bob.id)
    assert await bob.client.join_room(room_id) == [alice.id, carol.id]
    events = await alice_stream.wait_for(2)
    assert kinds(events) == ["room_invitation_declined", "room_member_joined"]


async def test_leaving_after_joining_is_a_leave_not_a_decline(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    room_id = await alice.client.create_room()
    await alice.client.join_room(room_id)
    await alice.client.invite_user_to_room(room_id=room_id, user_id=bob.id)
    await bob.client.join_room(room_id)
    [alice_stream] = await streams(server.deps, alice)
    await bob.client.leave_room(room_id)
    assert notices(await alice_stream.wait_for(1)) == [("room_member_left", room_id, bob.id)]
