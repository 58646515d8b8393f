"""InviteUserToSession and AcceptJoinSessionInvitation: refusals, who is told, expiry, history."""

from __future__ import annotations

import grpc

from ourchat import details
from ourchat._pb.service.ourchat.session.new_session.v1.session_pb2 import (
    FAILED_REASON_MEMBER_NOT_FOUND,
)
from ourchat.clock import ManualClock
from ourchat.ids import PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage import users
from ourchat.storage.tables import session_invitations
from tests.helpers import expect_error, make_group
from tests.rpc.session.flows import (
    DAY_US,
    INVITATION,
    INVITATION_ANSWER,
    MESSAGE,
    NewUser,
    answer_invitation,
    ban,
    befriend,
    collect,
    invite,
    leave,
    live,
    member_roles,
    new_session,
    replay,
    replays,
    rows,
)

EXPIRY_S = 3 * 24 * 3600


async def test_inviting_is_refused_with_the_right_reason(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, outsider, banned = (
        await new_user("alice"),
        await new_user("bob"),
        await new_user("out"),
        await new_user("banned"),
    )
    session_id = await make_group(server.deps, alice, bob)
    await expect_error(
        invite(alice, 999, outsider.id), grpc.StatusCode.NOT_FOUND, details.SESSION_NOT_FOUND
    )
    await expect_error(
        invite(outsider, session_id, banned.id),
        grpc.StatusCode.PERMISSION_DENIED,
        details.PERMISSION_DENIED,
    )
    for member in (bob, alice):
        await expect_error(
            invite(alice, session_id, member.id),
            grpc.StatusCode.ALREADY_EXISTS,
            details.USER_ALREADY_IN_SESSION,
        )
    await ban(server, session_id, banned.id)
    await expect_error(
        invite(bob, session_id, banned.id),
        grpc.StatusCode.PERMISSION_DENIED,
        details.USER_BANNED,
    )
    await leave(bob, session_id)
    await expect_error(
        invite(bob, session_id, outsider.id),
        grpc.StatusCode.PERMISSION_DENIED,
        details.PERMISSION_DENIED,
    )
    assert await rows(server, session_invitations) == []


async def test_an_unknown_invitee_is_reported_not_refused(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice = await new_user("alice")
    session_id = await make_group(server.deps, alice)
    response = await invite(alice, session_id, 31337)
    assert response.HasField("failed_member")
    assert (response.failed_member.id, response.failed_member.reason) == (
        31337,
        FAILED_REASON_MEMBER_NOT_FOUND,
    )
    assert await rows(server, session_invitations) == []


async def test_nobody_is_invited_into_a_private_session(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    private = await befriend(alice, bob)
    await expect_error(
        invite(alice, private, carol.id),
        grpc.StatusCode.PERMISSION_DENIED,
        details.PERMISSION_DENIED,
    )
    assert await rows(server, session_invitations) == []


async def test_any_member_invites_and_only_invitee_and_inviter_are_told(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    owner, bob, carol, dave = (
        await new_user("owner"),
        await new_user("bob"),
        await new_user("carol"),
        await new_user("dave"),
    )
    session_id = await make_group(server.deps, owner, bob, carol)
    streams = {u.id: await live(server, u) for u in (owner, bob, carol, dave)}
    assert (await invite(bob, session_id, dave.id, "hi")).ListFields() == []
    [to_dave] = await collect(streams[dave.id], INVITATION, 1)
    [to_bob] = await collect(streams[bob.id], INVITATION, 1)
    assert to_dave == to_bob
    pushed = to_dave.invite_user_to_session
    assert (pushed.session_id, pushed.inviter_id, pushed.leave_message) == (
        session_id,
        bob.id,
        "hi",
    )
    assert pushed.expire_timestamp.ToMicroseconds() == clock.now_us() + 3 * DAY_US
    assert 0 <= to_dave.time.ToMicroseconds() - clock.now_us() < 1_000_000
    for other in (owner, carol):
        await collect(streams[other.id], INVITATION, 0, settle=0)
    for stream in streams.values():
        await stream.close()
    got = await replays(INVITATION, [(dave, 1), (bob, 1), (owner, 0), (carol, 0)])
    for [again] in got[:2]:
        assert (again.msg_id, again.time, again.invite_user_to_session) == (
            to_dave.msg_id,
            to_dave.time,
            pushed,
        )
    [row] = await rows(server, session_invitations)
    assert (row["inviter_id"], row["invitee_id"], row["leave_message"]) == (bob.id, dave.id, "hi")


async def test_accepting_joins_consumes_and_tells_the_recorded_inviter_only(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, bob, dave, liar = (
        await new_user("owner"),
        await new_user("bob"),
        await new_user("dave"),
        await new_user("liar"),
    )
    session_id = await make_group(server.deps, owner, bob)
    await invite(bob, session_id, dave.id)
    streams = {u.id: await live(server, u) for u in (owner, bob, dave, liar)}
    # The client names someone else as inviter: the recorded inviter is told anyway.
    await answer_invitation(dave, session_id, accepted=True, inviter_id=liar.id)
    assert await member_roles(server, session_id) == {
        owner.id: PredefinedRole.OWNER,
        bob.id: PredefinedRole.MEMBER,
        dave.id: PredefinedRole.MEMBER,
    }
    assert await rows(server, session_invitations) == []
    [told] = await collect(streams[bob.id], INVITATION_ANSWER, 1)
    answer = told.accept_session_approval
    assert (answer.session_id, answer.invitee_id, answer.accepted) == (session_id, dave.id, True)
    assert not answer.HasField("public_key")
    for other in (owner, dave, liar):
        await collect(streams[other.id], INVITATION_ANSWER, 0, settle=0)
    for stream in streams.values():
        await stream.close()
    [again], *_ = await replays(INVITATION_ANSWER, [(bob, 1), (owner, 0), (dave, 0), (liar, 0)])
    assert (again.msg_id, again.time, again.accept_session_approval) == (
        told.msg_id,
        told.time,
        answer,
    )
    await expect_error(
        answer_invitation(dave, session_id),
        grpc.StatusCode.NOT_FOUND,
        details.SESSION_INVITATION_NOT_FOUND,
    )


async def test_accepting_into_an_e2ee_session_hands_the_inviter_the_public_key(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    session_id = (await new_session(alice, [bob.id], e2ee_on=True)).session_id
    stream = await live(server, alice)
    await answer_invitation(bob, session_id)
    [told] = await collect(stream, INVITATION_ANSWER, 1)
    assert told.accept_session_approval.public_key == await _public_key(server, bob.id)
    await stream.close()


async def _public_key(server: OurChatServer, user_id: int) -> bytes:
    assert server.deps is not None
    async with server.deps.db.read() as conn:
        return await users.public_key(conn, user_id)


async def test_declining_consumes_and_tells_the_inviter(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    session_id = (await new_session(alice, [bob.id])).session_id
    stream = await live(server, alice)
    await answer_invitation(bob, session_id, accepted=False)
    [told] = await collect(stream, INVITATION_ANSWER, 1)
    assert (told.accept_session_approval.invitee_id, told.accept_session_approval.accepted) == (
        bob.id,
        False,
    )
    await stream.close()
    assert await member_roles(server, session_id) == {alice.id: PredefinedRole.OWNER}
    assert await rows(server, session_invitations) == []
    await expect_error(
        answer_invitation(bob, session_id),
        grpc.StatusCode.NOT_FOUND,
        details.SESSION_INVITATION_NOT_FOUND,
    )


async def test_without_an_invitation_there_is_nothing_to_accept(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    session_id = await make_group(server.deps, alice)
    await invite(alice, session_id, carol.id)
    for accepted in (True, False):
        for session in (session_id, 999):
            await expect_error(
                answer_invitation(bob, session, accepted=accepted),
                grpc.StatusCode.NOT_FOUND,
                details.SESSION_INVITATION_NOT_FOUND,
            )
    assert await member_roles(server, session_id) == {alice.id: PredefinedRole.OWNER}


async def test_a_ban_is_checked_before_the_invitation(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    session_id = await make_group(server.deps, alice)
    await invite(alice, session_id, bob.id)
    await ban(server, session_id, bob.id)
    await ban(server, session_id, None)
    for user in (bob, carol):
        await expect_error(
            answer_invitation(user, session_id),
            grpc.StatusCode.PERMISSION_DENIED,
            details.USER_BANNED,
        )
    assert await member_roles(server, session_id) == {alice.id: PredefinedRole.OWNER}
    assert len(await rows(server, session_invitations)) == 1


async def test_an_invitation_expires_exactly_after_the_expiry_time(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    session_id = await make_group(server.deps, alice)
    await invite(alice, session_id, bob.id)
    await invite(alice, session_id, carol.id)
    clock.advance(EXPIRY_S - 1)
    await answer_invitation(bob, session_id)
    clock.advance(1)
    await expect_error(
        answer_invitation(carol, session_id),
        grpc.StatusCode.NOT_FOUND,
        details.SESSION_INVITATION_NOT_FOUND,
    )
    assert set(await member_roles(server, session_id)) == {alice.id, bob.id}


async def test_inviting_again_replaces_the_invitation_and_restarts_its_expiry(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    session_id = await make_group(server.deps, alice, bob)
    await invite(alice, session_id, carol.id, "first")
    clock.advance(EXPIRY_S - 10)
    await invite(bob, session_id, carol.id, "second")
    [row] = await rows(server, session_invitations)
    assert (row["inviter_id"], row["leave_message"]) == (bob.id, "second")
    assert row["expires_at"] == clock.now_us() + EXPIRY_S * 1_000_000
    clock.advance(20)
    stream = await live(server, bob)
    await answer_invitation(carol, session_id)
    await collect(stream, INVITATION_ANSWER, 1)
    await stream.close()
    await replay(carol, INVITATION, 2)


async def test_a_newcomer_sees_the_history_of_their_own_membership_only(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    session_id = await make_group(server.deps, alice)
    await alice.client.send_msg(session_id, "before bob")
    await invite(alice, session_id, bob.id)
    await answer_invitation(bob, session_id)
    first = await alice.client.send_msg(session_id, "with bob")
    [seen] = await replay(bob, MESSAGE, 1)
    assert (seen.msg_id, seen.msg.markdown_text) == (first.msg_id, "with bob")
    await leave(bob, session_id)
    await alice.client.send_msg(session_id, "after bob left")
    await replay(bob, MESSAGE, 0)
    # Invited again: only what is said from the new join on.
    await invite(alice, session_id, bob.id)
    await answer_invitation(bob, session_id)
    again = await alice.client.send_msg(session_id, "welcome back")
    [seen], _ = await replays(MESSAGE, [(bob, 1), (alice, 4)])
    assert (seen.msg_id, seen.msg.markdown_text) == (again.msg_id, "welcome back")
