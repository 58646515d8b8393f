"""Ids past 2^63 (storage is signed 64-bit) are unknown ids on every room method, never INTERNAL."""

from __future__ import annotations

import grpc

from ourchat import details
from ourchat.client import SignalType
from ourchat.server.app import OurChatServer
from tests.helpers import expect_error
from tests.rpc.webrtc.common import NewUser, room_with, stored_members

HUGE = 2**64 - 1
NOT_FOUND = grpc.StatusCode.NOT_FOUND


async def test_huge_ids_are_unknown(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    room_id = await room_with(alice, bob)
    c = alice.client
    for call in (
        c.join_room(HUGE),
        c.accept_room_invitation(HUGE),
        c.get_room_members(HUGE),
        c.leave_room(HUGE),
        c.invite_user_to_room(room_id=HUGE, user_id=bob.id),
        c.promote_room_admin(room_id=HUGE, user_id=bob.id),
        c.demote_room_admin(room_id=HUGE, user_id=bob.id),
        c.kick_user_from_room(room_id=HUGE, user_id=bob.id),
        c.signal(
            room_id=HUGE, target_user_id=bob.id, signal_type=SignalType.SIGNAL_TYPE_OFFER, sdp="v"
        ),
    ):
        await expect_error(call, NOT_FOUND, details.ROOM_NOT_FOUND)
    await expect_error(
        c.invite_user_to_room(room_id=room_id, user_id=HUGE), NOT_FOUND, details.USER_NOT_FOUND
    )
    await expect_error(
        c.signal(
            room_id=room_id, target_user_id=HUGE, signal_type=SignalType.SIGNAL_TYPE_OFFER, sdp="v"
        ),
        NOT_FOUND,
        details.USER_NOT_FOUND,
    )
    for call in (
        c.promote_room_admin(room_id=room_id, user_id=HUGE),
        c.kick_user_from_room(room_id=room_id, user_id=HUGE),
    ):
        await expect_error(call, NOT_FOUND, details.USER_NOT_IN_ROOM)
    await c.demote_room_admin(room_id=room_id, user_id=HUGE)  # nobody to demote: nothing changes
    assert await stored_members(server.deps, room_id) == {
        alice.id: (True, False),
        bob.id: (False, True),
    }
