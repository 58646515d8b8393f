"""NewSession: the owner, friends added directly, invitations for the others, failures."""

from __future__ import annotations

import grpc
from sqlalchemy import func, select

from ourchat import details
from ourchat._pb.service.ourchat.session.new_session.v1.session_pb2 import (
    FAILED_REASON_MEMBER_NOT_FOUND,
)
from ourchat.clock import ManualClock
from ourchat.ids import PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import session_invitations, sessions
from tests.helpers import Stream, expect_error, png
from tests.rpc.files.support import upload
from tests.rpc.session.flows import (
    DAY_US,
    INVITATION,
    NewUser,
    Q,
    befriend,
    collect,
    info,
    live,
    member_roles,
    new_session,
    replays,
    rows,
)

UNKNOWN_USER = 4242


async def test_creator_owns_friends_join_others_are_invited_unknown_ids_fail(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    alice, friend, stranger = await new_user("alice"), await new_user("f"), await new_user("s")
    await befriend(alice, friend)
    avatar = await upload(alice.client, png(b"avatar"))  # an avatar: an image alice owns
    response = await new_session(
        alice,
        [friend.id, stranger.id, UNKNOWN_USER, alice.id, friend.id, stranger.id],
        name="club",
        e2ee_on=True,
        avatar_key=avatar,
    )
    session_id = response.session_id
    assert [(f.id, f.reason) for f in response.failed_members] == [
        (UNKNOWN_USER, FAILED_REASON_MEMBER_NOT_FOUND)
    ]
    assert await member_roles(server, session_id) == {
        alice.id: PredefinedRole.OWNER,
        friend.id: PredefinedRole.MEMBER,
    }
    [row] = await rows(server, sessions, sessions.c.id == session_id)
    assert (row["name"], row["e2ee_on"], row["avatar_key"], row["is_private"]) == (
        "club",
        True,
        avatar,
        False,
    )
    [invitation] = await rows(server, session_invitations)
    assert (invitation["session_id"], invitation["inviter_id"], invitation["invitee_id"]) == (
        session_id,
        alice.id,
        stranger.id,
    )
    assert invitation["expires_at"] == clock.now_us() + 3 * DAY_US
    size = await info(alice, session_id, Q.QUERY_VALUES_SIZE, Q.QUERY_VALUES_MEMBERS)
    assert size.size == 2
    assert sorted(size.members) == sorted([alice.id, friend.id])


async def test_invitations_reach_invitee_and_inviter_only_live_and_on_replay(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    alice, friend, bob = await new_user("alice"), await new_user("f"), await new_user("bob")
    await befriend(alice, friend)
    streams = {u.id: await live(server, u) for u in (alice, friend, bob)}
    response = await new_session(alice, [friend.id, bob.id], leave_message="come")
    session_id = response.session_id
    expected_expiry = clock.now_us() + 3 * DAY_US
    [to_bob] = await collect(streams[bob.id], INVITATION, 1)
    [to_alice] = await collect(streams[alice.id], INVITATION, 1)
    assert to_bob == to_alice
    pushed = to_bob.invite_user_to_session
    assert (pushed.session_id, pushed.inviter_id, pushed.leave_message) == (
        session_id,
        alice.id,
        "come",
    )
    assert pushed.expire_timestamp.ToMicroseconds() == expected_expiry
    # The pushed time is the event's own time, not the expiry.
    assert 0 <= to_bob.time.ToMicroseconds() - clock.now_us() < 1_000_000
    # The friend was added directly: no invitation for them, and they don't see bob's.
    await collect(streams[friend.id], INVITATION, 0, settle=0)
    for stream in streams.values():
        await stream.close()
    got = await replays(INVITATION, [(bob, 1), (alice, 1), (friend, 0)])
    for [again] in got[:2]:
        assert (again.msg_id, again.time) == (to_bob.msg_id, to_bob.time)
        assert again.invite_user_to_session == pushed


async def test_a_session_with_nobody_else_is_fine(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    response = await new_session(alice)
    assert list(response.failed_members) == []
    assert await member_roles(server, response.session_id) == {alice.id: PredefinedRole.OWNER}
    got = await info(alice, response.session_id, Q.QUERY_VALUES_NAME, Q.QUERY_VALUES_SIZE)
    assert (got.name, got.size) == ("", 1)


async def test_name_longer_than_the_limit_is_refused_and_creates_nothing(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    stream = Stream(alice.client)
    await expect_error(
        new_session(alice, [bob.id], name="n" * 201),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
    async with server.deps.db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(sessions))).scalar() == 0
    assert await rows(server, session_invitations) == []
    await collect(stream, INVITATION, 0)
    await stream.close()
    response = await new_session(alice, name="é" * 200)
    got = await info(alice, response.session_id, Q.QUERY_VALUES_NAME)
    assert got.name == "é" * 200


async def test_an_overlong_avatar_key_is_refused(new_user: NewUser) -> None:
    alice = await new_user("alice")
    await expect_error(
        new_session(alice, avatar_key="k" * 129),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
