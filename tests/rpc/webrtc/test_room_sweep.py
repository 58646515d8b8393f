"""Empty rooms go only after empty_room_keep_duration_seconds (default 600) with nobody in them."""

from __future__ import annotations

import grpc

from ourchat import details
from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.domain import rooms
from ourchat.server.app import OurChatServer
from tests.helpers import expect_error
from tests.rpc.webrtc.common import NewUser, stored_members, stored_room

KEEP = 600


def test_default_keep_duration() -> None:
    assert Settings().empty_room_keep_duration_seconds == KEEP


async def test_room_nobody_joined_is_removed_or_archived_after_the_keep_duration(
    server: OurChatServer, clock: ManualClock, new_user: NewUser
) -> None:
    deps = server.deps
    assert deps is not None
    alice = await new_user("alice")
    removed = await alice.client.create_room(auto_delete=True)
    archived = await alice.client.create_room(title="kept as a record")

    clock.advance(KEEP - 1)
    assert await rooms.sweep(deps) == 0
    assert await alice.client.get_room_members(removed) == [alice.id]

    clock.advance(1)
    assert await rooms.sweep(deps) == 2
    assert await stored_room(deps, removed) is None
    row = await stored_room(deps, archived)
    assert row is not None
    assert row["title"] == "kept as a record"
    assert row["archived_at"] == clock.now_us()
    assert await stored_members(deps, archived) == {}
    for room_id in (removed, archived):
        await expect_error(
            alice.client.join_room(room_id), grpc.StatusCode.NOT_FOUND, details.ROOM_NOT_FOUND
        )
    assert await rooms.sweep(deps) == 0


async def test_room_in_use_stays_and_its_clock_starts_when_the_last_one_goes(
    server: OurChatServer, clock: ManualClock, new_user: NewUser
) -> None:
    deps = server.deps
    assert deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    room_id = await alice.client.create_room(auto_delete=True, open_join=True)
    await alice.client.join_room(room_id)
    await bob.client.join_room(room_id)

    clock.advance(10 * KEEP)
    assert await rooms.sweep(deps) == 0
    await alice.client.leave_room(room_id)
    clock.advance(10 * KEEP)
    assert await rooms.sweep(deps) == 0  # bob is still in the call

    await bob.client.leave_room(room_id)
    clock.advance(KEEP - 1)
    assert await rooms.sweep(deps) == 0
    # Someone coming back stops the clock.
    await bob.client.join_room(room_id)
    clock.advance(KEEP)
    assert await rooms.sweep(deps) == 0
    await bob.client.leave_room(room_id)
    clock.advance(KEEP)
    assert await rooms.sweep(deps) == 1
    assert await stored_room(deps, room_id) is None


async def test_kick_of_the_last_one_in_the_call_starts_the_clock(
    server: OurChatServer, clock: ManualClock, new_user: NewUser
) -> None:
    deps = server.deps
    assert deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    room_id = await alice.client.create_room(auto_delete=True, open_join=True)
    await bob.client.join_room(room_id)  # alice, the creator, is a member outside the call
    clock.advance(KEEP)
    await alice.client.kick_user_from_room(room_id=room_id, user_id=bob.id)
    clock.advance(KEEP - 1)
    assert await rooms.sweep(deps) == 0
    clock.advance(1)
    assert await rooms.sweep(deps) == 1
