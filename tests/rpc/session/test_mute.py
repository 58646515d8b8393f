"""MuteUser / UnmuteUser: who may, per user and session-wide, timed and permanent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
from google.protobuf.duration_pb2 import Duration
from sqlalchemy import select

from ourchat import details
from ourchat._pb.service.ourchat.msg_delivery.recall.v1.recall_pb2 import RecallMsgRequest
from ourchat._pb.service.ourchat.session.mute.v1.mute_pb2 import (
    MuteUserRequest,
    UnmuteUserRequest,
)
from ourchat.clock import US_PER_SECOND, ManualClock
from ourchat.deps import Deps
from ourchat.ids import PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import mutes
from tests.helpers import Stream, User, expect_error, make_group

NewUser = Callable[..., Awaitable[User]]
OWNER, ADMIN, MEMBER = PredefinedRole.OWNER, PredefinedRole.ADMIN, PredefinedRole.MEMBER
DENIED = (grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED)
MUTED = (grpc.StatusCode.PERMISSION_DENIED, details.USER_MUTED)
NOT_MUTED = (grpc.StatusCode.NOT_FOUND, details.USER_NOT_MUTED)


def mute(
    caller: User, session_id: int, *user_ids: int, seconds: int | None = None
) -> Awaitable[object]:
    request = MuteUserRequest(session_id=session_id, user_ids=list(user_ids))
    if seconds is not None:
        request.duration.CopyFrom(Duration(seconds=seconds))
    return caller.client.call("MuteUser", request)


def unmute(caller: User, session_id: int, *user_ids: int) -> Awaitable[object]:
    return caller.client.call(
        "UnmuteUser", UnmuteUserRequest(session_id=session_id, user_ids=list(user_ids))
    )


async def mute_rows(deps: Deps, session_id: int) -> set[tuple[int | None, int | None]]:
    """``(user_id, expires_at)`` of every stored mute of the session."""
    async with deps.db.read() as conn:
        rows = await conn.execute(
            select(mutes.c.user_id, mutes.c.expires_at).where(mutes.c.session_id == session_id)
        )
        return {(r[0], r[1]) for r in rows}


async def test_timed_mute_blocks_sending_until_the_exact_second(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    owner, bob, carol = await new_user("owner"), await new_user("bob"), await new_user("carol")
    session = await make_group(server.deps, owner, bob, carol)
    streams = [Stream(u.client) for u in (owner, bob, carol)]
    muted_at = clock.now_us()

    await mute(owner, session, bob.id, seconds=60)

    assert await mute_rows(server.deps, session) == {(bob.id, muted_at + 60 * US_PER_SECOND)}
    # Nobody is told about the mute.
    for s in streams:
        assert await s.settle(0.1) == []
    await expect_error(bob.client.send_msg(session, "hi"), *MUTED)
    await carol.client.send_msg(session, "carol may talk")
    clock.advance(59.999999)
    await expect_error(bob.client.send_msg(session, "hi"), *MUTED)
    clock.advance(0.000001)
    await bob.client.send_msg(session, "free again")
    # An expired mute cannot be lifted: there is none in force.
    await expect_error(unmute(owner, session, bob.id), *NOT_MUTED)
    for s in streams:
        await s.close()


async def test_permanent_mute_lasts_until_unmuted_and_only_blocks_sending(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    owner, admin, bob = await new_user("owner"), await new_user("admin"), await new_user("bob")
    session = await make_group(server.deps, owner, admin, bob, roles=(OWNER, ADMIN, MEMBER))
    earlier = await bob.client.send_msg(session, "before the mute")

    await mute(admin, session, bob.id)

    assert await mute_rows(server.deps, session) == {(bob.id, None)}
    clock.advance(4 * 24 * 3600)  # far beyond any duration, within the token lifetime
    await expect_error(bob.client.send_msg(session, "hi"), *MUTED)
    # A muted member still recalls their own message.
    await bob.client.call("RecallMsg", RecallMsgRequest(session_id=session, msg_id=earlier.msg_id))

    await unmute(admin, session, bob.id)

    assert await mute_rows(server.deps, session) == set()
    await bob.client.send_msg(session, "hello again")
    await expect_error(unmute(admin, session, bob.id), *NOT_MUTED)


async def test_muting_again_replaces_the_previous_mute(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    owner, bob = await new_user("owner"), await new_user("bob")
    session = await make_group(server.deps, owner, bob)
    await mute(owner, session, bob.id)
    clock.advance(5)
    await mute(owner, session, bob.id, seconds=10)
    assert await mute_rows(server.deps, session) == {(bob.id, clock.now_us() + 10 * US_PER_SECOND)}
    clock.advance(10)
    await bob.client.send_msg(session, "the permanent mute was replaced")


async def test_session_wide_mute_silences_everyone_until_lifted_with_an_empty_list(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, admin, bob = await new_user("owner"), await new_user("admin"), await new_user("bob")
    session = await make_group(server.deps, owner, admin, bob, roles=(OWNER, ADMIN, MEMBER))
    other = await make_group(server.deps, bob, owner)
    await expect_error(unmute(admin, session), *NOT_MUTED)

    await mute(admin, session)

    assert await mute_rows(server.deps, session) == {(None, None)}
    for user in (owner, admin, bob):
        await expect_error(user.client.send_msg(session, "hi"), *MUTED)
    await owner.client.send_msg(other, "other sessions are not muted")
    # Lifting a personal mute (there is none) does not lift the session-wide one.
    await expect_error(unmute(admin, session, bob.id), *NOT_MUTED)
    await mute(admin, session, bob.id)
    await unmute(admin, session, bob.id)
    await expect_error(bob.client.send_msg(session, "hi"), *MUTED)

    await unmute(admin, session)

    assert await mute_rows(server.deps, session) == set()
    for user in (owner, admin, bob):
        await user.client.send_msg(session, "hi")
    await expect_error(unmute(admin, session), *NOT_MUTED)


async def test_timed_session_wide_mute_expires(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    owner, bob = await new_user("owner"), await new_user("bob")
    session = await make_group(server.deps, owner, bob)
    await mute(owner, session, seconds=30)
    await expect_error(bob.client.send_msg(session, "hi"), *MUTED)
    clock.advance(30)
    await bob.client.send_msg(session, "hi")
    await expect_error(unmute(owner, session), *NOT_MUTED)


async def test_mute_refusals_write_nothing(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    owner, admin, admin2 = await new_user("owner"), await new_user("admin"), await new_user("a2")
    bob, carol, eve = await new_user("bob"), await new_user("carol"), await new_user("eve")
    session = await make_group(
        server.deps, owner, admin, admin2, bob, carol, roles=(OWNER, ADMIN, ADMIN, MEMBER, MEMBER)
    )
    await make_group(server.deps, eve, bob)  # eve owns another session with bob in it

    await expect_error(
        mute(owner, 424242, bob.id), grpc.StatusCode.NOT_FOUND, details.SESSION_NOT_FOUND
    )
    await expect_error(mute(eve, session, bob.id), *DENIED)  # not a member here
    await expect_error(mute(bob, session, carol.id), *DENIED)  # no permission 11
    await expect_error(mute(bob, session), *DENIED)
    await expect_error(mute(admin, session, admin.id), *DENIED)  # oneself
    await expect_error(mute(admin, session, admin2.id), *DENIED)  # same rank
    await expect_error(mute(admin, session, owner.id), *DENIED)  # higher rank
    await expect_error(
        mute(admin, session, eve.id), grpc.StatusCode.NOT_FOUND, details.USER_NOT_IN_SESSION
    )
    # One bad target refuses the whole call: bob is not muted either.
    await expect_error(
        mute(admin, session, bob.id, eve.id), grpc.StatusCode.NOT_FOUND, details.USER_NOT_IN_SESSION
    )
    await expect_error(mute(admin, session, bob.id, owner.id), *DENIED)
    for seconds in (0, -5):
        await expect_error(
            mute(owner, session, bob.id, seconds=seconds),
            grpc.StatusCode.INVALID_ARGUMENT,
            details.REQUEST_INVALID_VALUE,
        )
    assert await mute_rows(server.deps, session) == set()
    await bob.client.send_msg(session, "never muted")


async def test_unmute_refusals_write_nothing(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    owner, admin, admin2 = await new_user("owner"), await new_user("admin"), await new_user("a2")
    bob, carol, eve = await new_user("bob"), await new_user("carol"), await new_user("eve")
    session = await make_group(
        server.deps, owner, admin, admin2, bob, carol, roles=(OWNER, ADMIN, ADMIN, MEMBER, MEMBER)
    )
    await mute(owner, session, bob.id, admin2.id)
    rows = await mute_rows(server.deps, session)

    await expect_error(
        unmute(owner, 424242, bob.id), grpc.StatusCode.NOT_FOUND, details.SESSION_NOT_FOUND
    )
    await expect_error(unmute(eve, session, bob.id), *DENIED)
    await expect_error(unmute(carol, session, bob.id), *DENIED)  # no permission 12
    await expect_error(unmute(admin, session, admin2.id), *DENIED)  # same rank
    await expect_error(unmute(admin2, session, admin2.id), *DENIED)  # oneself
    # carol, first, is not muted: the call stops before bob (§18 lifts in order).
    await expect_error(unmute(admin, session, carol.id, bob.id), *NOT_MUTED)
    await expect_error(unmute(admin, session, eve.id), *NOT_MUTED)
    assert await mute_rows(server.deps, session) == rows

    await unmute(owner, session, bob.id, admin2.id)
    assert await mute_rows(server.deps, session) == set()
