"""Call rooms: CreateRoom, InviteUserToRoom, JoinRoom, AcceptRoomInvitation, GetRoomMembers,
LeaveRoom, PromoteRoomAdmin, DemoteRoomAdmin and KickUserFromRoom (BEHAVIOR.md §14.2, §18)."""

from __future__ import annotations

import grpc

from ourchat import details
from ourchat._pb.service.ourchat.webrtc.room.get_room_members.v1.get_room_members_pb2 import (
    GetRoomMembersRequest,
)
from ourchat.server.app import OurChatServer
from tests.helpers import Stream, expect_error, kinds, make_group
from tests.rpc.webrtc.common import (
    NewUser,
    notices,
    room_with,
    stored_invitations,
    stored_members,
    stored_room,
    streams,
)

NOT_FOUND = grpc.StatusCode.NOT_FOUND
DENIED = grpc.StatusCode.PERMISSION_DENIED
UNKNOWN_ROOM = 12345
TOO_LARGE_ID = 2**63


# CreateRoom --------------------------------------------------------------------------------


async def test_create_room_makes_the_creator_its_admin_member(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice = await new_user("alice")
    room_id = await alice.client.create_room(title="standup", auto_delete=True, open_join=True)

    row = await stored_room(server.deps, room_id)
    assert row is not None
    assert (row["title"], row["creator_id"], row["auto_delete"], row["open_join"]) == (
        "standup",
        alice.id,
        True,
        True,
    )
    assert row["archived_at"] is None
    assert await stored_members(server.deps, room_id) == {alice.id: (True, False)}
    assert await alice.client.get_room_members(room_id) == [alice.id]
    untitled = await alice.client.create_room()
    assert untitled != room_id
    row = await stored_room(server.deps, untitled)
    assert row is not None
    assert (row["title"], row["auto_delete"], row["open_join"]) == (None, False, False)


async def test_create_room_refuses_bad_titles(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    alice = await new_user("alice")
    longest = "t" * server.deps.settings.max_session_name_chars
    assert await alice.client.create_room(title=longest)
    for title in (longest + "t", "nul\x00inside"):
        await expect_error(
            alice.client.create_room(title=title),
            grpc.StatusCode.INVALID_ARGUMENT,
            details.REQUEST_INVALID_VALUE,
        )


# InviteUserToRoom --------------------------------------------------------------------------


async def test_invite_records_an_invitation(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    room_id = await alice.client.create_room()
    await alice.client.invite_user_to_room(room_id=room_id, user_id=bob.id)
    assert await stored_invitations(server.deps, room_id) == {bob.id}


async def test_invite_errors(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    room_id = await room_with(alice, bob)

    for missing in (UNKNOWN_ROOM, TOO_LARGE_ID):
        await expect_error(
            alice.client.invite_user_to_room(room_id=missing, user_id=carol.id),
            NOT_FOUND,
            details.ROOM_NOT_FOUND,
        )
    await expect_error(
        bob.client.invite_user_to_room(room_id=room_id, user_id=carol.id),
        DENIED,
        details.ONLY_ADMINS_CAN_INVITE,
    )
    for nobody in (999, TOO_LARGE_ID):
        await expect_error(
            alice.client.invite_user_to_room(room_id=room_id, user_id=nobody),
            NOT_FOUND,
            details.USER_NOT_FOUND,
        )
    await alice.client.invite_user_to_room(room_id=room_id, user_id=carol.id)
    await expect_error(
        alice.client.invite_user_to_room(room_id=room_id, user_id=carol.id),
        grpc.StatusCode.ALREADY_EXISTS,
        details.ALREADY_INVITED_TO_ROOM,
    )
    assert await stored_invitations(server.deps, room_id) == {carol.id}


# JoinRoom ----------------------------------------------------------------------------------


async def test_join_by_invitation_tells_the_others_live_only(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    room_id = await room_with(alice, bob)
    await alice.client.invite_user_to_room(room_id=room_id, user_id=carol.id)
    alice_stream, bob_stream, carol_stream = await streams(server.deps, alice, bob, carol)
    before = await alice.client.send_msg(await make_group(server.deps, alice), "stored first")

    assert await carol.client.join_room(room_id) == [alice.id, bob.id]

    assert await stored_invitations(server.deps, room_id) == set()
    assert (await stored_members(server.deps, room_id))[carol.id] == (False, True)
    for stream in (alice_stream, bob_stream):
        events = await stream.wait_for(2 if stream is alice_stream else 1)
        [(kind, notified_room, who)] = notices(events)
        assert (kind, notified_room, who) == ("room_member_joined", room_id, carol.id)
        notice = events[-1]
        assert notice.msg_id > before.msg_id  # type: ignore[attr-defined]
        assert notice.time.ToMicroseconds() > before.time.ToMicroseconds()  # type: ignore[attr-defined]
    assert notices(await carol_stream.settle()) == []
    # Live only: a stream replaying from the start holds no notice.
    replay = Stream(alice.client)
    [message] = await replay.wait_for(1)
    assert notices(await replay.settle()) == []
    assert message.msg_id == before.msg_id  # type: ignore[attr-defined]


async def test_join_open_room_and_rejoin(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    room_id = await alice.client.create_room(open_join=True)
    assert await bob.client.join_room(room_id) == [alice.id]
    assert await alice.client.join_room(room_id) == [bob.id]
    assert await bob.client.join_room(room_id) == [alice.id]  # again: still one membership
    assert await stored_members(server.deps, room_id) == {
        alice.id: (True, True),
        bob.id: (False, True),
    }


async def test_join_errors(server: OurChatServer, new_user: NewUser) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    room_id = await alice.client.create_room()
    for missing in (UNKNOWN_ROOM, TOO_LARGE_ID):
        await expect_error(bob.client.join_room(missing), NOT_FOUND, details.ROOM_NOT_FOUND)
    await expect_error(bob.client.join_room(room_id), DENIED, details.MUST_BE_INVITED_TO_ROOM)


async def test_creator_rejoins_a_closed_room_as_admin(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    room_id = await room_with(alice, bob)
    await alice.client.leave_room(room_id)
    assert await stored_members(server.deps, room_id) == {bob.id: (False, True)}
    assert await alice.client.join_room(room_id) == [bob.id]
    assert (await stored_members(server.deps, room_id))[alice.id] == (True, True)


# AcceptRoomInvitation ----------------------------------------------------------------------


async def test_accept_invitation_makes_a_member_outside_the_call_without_notice(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    room_id = await alice.client.create_room()
    await alice.client.invite_user_to_room(room_id=room_id, user_id=bob.id)
    [alice_stream] = await streams(server.deps, alice)

    await bob.client.accept_room_invitation(room_id)

    assert await stored_members(server.deps, room_id) == {
        alice.id: (True, False),
        bob.id: (False, False),
    }
    assert await stored_invitations(server.deps, room_id) == set()
    assert await alice_stream.settle() == []
    # A member may then enter the call of the closed room.
    assert await bob.client.join_room(room_id) == [alice.id]


async def test_accept_invitation_errors(server: OurChatServer, new_user: NewUser) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    room_id = await room_with(alice, bob)
    await expect_error(
        carol.client.accept_room_invitation(UNKNOWN_ROOM), NOT_FOUND, details.ROOM_NOT_FOUND
    )
    await expect_error(
        bob.client.accept_room_invitation(room_id),
        grpc.StatusCode.ALREADY_EXISTS,
        details.ALREADY_IN_ROOM,
    )
    await expect_error(
        carol.client.accept_room_invitation(room_id), DENIED, details.NOT_INVITED_TO_ROOM
    )


# GetRoomMembers ----------------------------------------------------------------------------


async def test_get_room_members(server: OurChatServer, new_user: NewUser) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    room_id = await room_with(alice, bob, carol)
    response = await bob.client.call("GetRoomMembers", GetRoomMembersRequest(room_id=room_id))
    assert (response.success, list(response.member_ids), response.member_count) == (
        True,
        [alice.id, bob.id, carol.id],
        3,
    )
    stranger = await new_user("stranger")
    await expect_error(stranger.client.get_room_members(room_id), DENIED, details.NOT_IN_ROOM)
    await expect_error(
        alice.client.get_room_members(UNKNOWN_ROOM), NOT_FOUND, details.ROOM_NOT_FOUND
    )


# LeaveRoom ---------------------------------------------------------------------------------


async def test_leave_tells_the_remaining_members_and_ends_admin_rights(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    room_id = await room_with(alice, bob, carol, open_join=True)
    await alice.client.promote_room_admin(room_id=room_id, user_id=bob.id)
    alice_stream, bob_stream, carol_stream = await streams(server.deps, alice, bob, carol)

    await bob.client.leave_room(room_id)

    assert set(await stored_members(server.deps, room_id)) == {alice.id, carol.id}
    for stream in (alice_stream, carol_stream):
        assert notices(await stream.wait_for(1)) == [("room_member_left", room_id, bob.id)]
    assert await bob_stream.settle() == []
    # Back through the open door, but no longer an admin.
    await bob.client.join_room(room_id)
    await expect_error(
        bob.client.invite_user_to_room(room_id=room_id, user_id=alice.id),
        DENIED,
        details.ONLY_ADMINS_CAN_INVITE,
    )


async def test_leave_as_non_member_changes_nothing(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    room_id = await alice.client.create_room()
    [alice_stream] = await streams(server.deps, alice)
    await bob.client.leave_room(room_id)
    assert await stored_members(server.deps, room_id) == {alice.id: (True, False)}
    assert await alice_stream.settle() == []
    await expect_error(bob.client.leave_room(UNKNOWN_ROOM), NOT_FOUND, details.ROOM_NOT_FOUND)


# PromoteRoomAdmin / DemoteRoomAdmin --------------------------------------------------------


async def test_promote_and_demote(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    room_id = await room_with(alice, bob)

    await alice.client.promote_room_admin(room_id=room_id, user_id=bob.id)
    assert (await stored_members(server.deps, room_id))[bob.id] == (True, True)
    await bob.client.invite_user_to_room(room_id=room_id, user_id=carol.id)

    await alice.client.demote_room_admin(room_id=room_id, user_id=bob.id)
    assert (await stored_members(server.deps, room_id))[bob.id] == (False, True)
    await expect_error(
        bob.client.kick_user_from_room(room_id=room_id, user_id=alice.id),
        DENIED,
        details.ONLY_ADMINS_CAN_KICK,
    )


async def test_promotions_and_demotions_are_told_to_the_members_once(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    room_id = await room_with(alice, bob, carol)
    streams_ = await streams(server.deps, alice, bob, carol)

    await alice.client.promote_room_admin(room_id=room_id, user_id=bob.id)
    await alice.client.promote_room_admin(room_id=room_id, user_id=bob.id)  # had it: no news
    await alice.client.demote_room_admin(room_id=room_id, user_id=bob.id)
    await alice.client.demote_room_admin(room_id=room_id, user_id=bob.id)  # had none: no news
    await alice.client.promote_room_admin(room_id=room_id, user_id=carol.id)

    for stream in streams_:
        await stream.wait_for(3)
        events = await stream.settle()
        changes = [
            (kind, getattr(e, kind).room_id, getattr(e, kind).user_id)
            for e, kind in zip(events, kinds(events), strict=True)
            if kind is not None
        ]
        assert changes == [
            ("room_admin_promoted", room_id, bob.id),
            ("room_admin_demoted", room_id, bob.id),
            ("room_admin_promoted", room_id, carol.id),
        ]


async def test_promote_errors(server: OurChatServer, new_user: NewUser) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    room_id = await room_with(alice, bob)
    await expect_error(
        alice.client.promote_room_admin(room_id=UNKNOWN_ROOM, user_id=bob.id),
        NOT_FOUND,
        details.ROOM_NOT_FOUND,
    )
    await expect_error(
        bob.client.promote_room_admin(room_id=room_id, user_id=bob.id),
        DENIED,
        details.ONLY_ADMINS_CAN_PROMOTE,
    )
    for outsider in (carol.id, TOO_LARGE_ID):
        await expect_error(
            alice.client.promote_room_admin(room_id=room_id, user_id=outsider),
            NOT_FOUND,
            details.USER_NOT_IN_ROOM,
        )


async def test_demote_errors(server: OurChatServer, new_user: NewUser) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    room_id = await room_with(alice, bob)
    await alice.client.promote_room_admin(room_id=room_id, user_id=bob.id)
    await expect_error(
        alice.client.demote_room_admin(room_id=UNKNOWN_ROOM, user_id=bob.id),
        NOT_FOUND,
        details.ROOM_NOT_FOUND,
    )
    # An admin who is not the creator may not demote.
    await expect_error(
        bob.client.demote_room_admin(room_id=room_id, user_id=bob.id),
        DENIED,
        details.ONLY_CREATOR_CAN_DEMOTE,
    )
    await expect_error(
        alice.client.demote_room_admin(room_id=room_id, user_id=alice.id),
        DENIED,
        details.CANNOT_DEMOTE_CREATOR,
    )


# KickUserFromRoom --------------------------------------------------------------------------


async def test_kick_removes_the_member_and_tells_everyone(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    room_id = await room_with(alice, bob, carol)
    alice_stream, bob_stream, carol_stream = await streams(server.deps, alice, bob, carol)

    await alice.client.kick_user_from_room(room_id=room_id, user_id=bob.id)

    assert set(await stored_members(server.deps, room_id)) == {alice.id, carol.id}
    for stream in (alice_stream, bob_stream, carol_stream):
        assert notices(await stream.wait_for(1)) == [("room_member_kicked", room_id, bob.id)]
    await expect_error(bob.client.join_room(room_id), DENIED, details.MUST_BE_INVITED_TO_ROOM)
    await expect_error(bob.client.get_room_members(room_id), DENIED, details.NOT_IN_ROOM)


async def test_kick_errors(server: OurChatServer, new_user: NewUser) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    dave = await new_user("dave")
    room_id = await room_with(alice, bob, carol)
    await alice.client.promote_room_admin(room_id=room_id, user_id=bob.id)
    await expect_error(
        alice.client.kick_user_from_room(room_id=UNKNOWN_ROOM, user_id=bob.id),
        NOT_FOUND,
        details.ROOM_NOT_FOUND,
    )
    await expect_error(
        carol.client.kick_user_from_room(room_id=room_id, user_id=bob.id),
        DENIED,
        details.ONLY_ADMINS_CAN_KICK,
    )
    await expect_error(
        bob.client.kick_user_from_room(room_id=room_id, user_id=bob.id),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.CANNOT_KICK_YOURSELF,
    )
    await expect_error(
        bob.client.kick_user_from_room(room_id=room_id, user_id=alice.id),
        DENIED,
        details.CANNOT_KICK_CREATOR,
    )
    await expect_error(
        bob.client.kick_user_from_room(room_id=room_id, user_id=dave.id),
        NOT_FOUND,
        details.USER_NOT_IN_ROOM,
    )
