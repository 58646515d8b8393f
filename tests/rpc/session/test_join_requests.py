"""JoinSession and AllowUserJoinSession: pending requests, approvers, answers, expiry."""

from __future__ import annotations

import grpc

from ourchat import details
from ourchat.clock import ManualClock
from ourchat.ids import Permission, PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import join_requests
from tests.helpers import expect_error, make_group
from tests.rpc.session.flows import (
    DAY_US,
    JOIN_ANSWER,
    JOIN_REQUEST,
    NewUser,
    allow,
    ban,
    befriend,
    collect,
    custom_role,
    join,
    leave,
    live,
    member_roles,
    new_session,
    replays,
    rows,
    set_role,
)

OWNER, ADMIN, MEMBER = PredefinedRole.OWNER, PredefinedRole.ADMIN, PredefinedRole.MEMBER
EXPIRY_S = 3 * 24 * 3600


async def test_asking_to_join_is_refused_with_the_right_reason(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    session_id = await make_group(server.deps, alice, bob)
    await expect_error(join(carol, 999), grpc.StatusCode.NOT_FOUND, details.SESSION_NOT_FOUND)
    for member in (alice, bob):
        await expect_error(
            join(member, session_id),
            grpc.StatusCode.ALREADY_EXISTS,
            details.USER_ALREADY_IN_SESSION,
        )
    await ban(server, session_id, carol.id)
    await expect_error(
        join(carol, session_id), grpc.StatusCode.PERMISSION_DENIED, details.USER_BANNED
    )
    private = await befriend(alice, carol)
    await expect_error(
        join(bob, private), grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED
    )
    assert await rows(server, join_requests) == []


async def test_a_request_reaches_the_approvers_and_the_applicant_only(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    owner, admin, member, gatekeeper, applicant, outsider = (
        await new_user("owner"),
        await new_user("admin"),
        await new_user("member"),
        await new_user("gate"),
        await new_user("applicant"),
        await new_user("outsider"),
    )
    session_id = await make_group(
        server.deps, owner, admin, member, gatekeeper, roles=(OWNER, ADMIN, MEMBER)
    )
    gate_role = await custom_role(server, session_id, [Permission.ACCEPT_JOIN_REQUEST])
    await set_role(server, session_id, gatekeeper, gate_role)
    everyone = (owner, admin, member, gatekeeper, applicant, outsider)
    streams = {u.id: await live(server, u) for u in everyone}
    await join(applicant, session_id, "let me in")
    [pushed] = await collect(streams[owner.id], JOIN_REQUEST, 1)
    request = pushed.join_session_approval
    assert (request.session_id, request.user_id, request.leave_message) == (
        session_id,
        applicant.id,
        "let me in",
    )
    assert not request.HasField("public_key")
    for user in (admin, gatekeeper, applicant):
        assert await collect(streams[user.id], JOIN_REQUEST, 1, settle=0) == [pushed]
    for user in (member, outsider):
        await collect(streams[user.id], JOIN_REQUEST, 0, settle=0)
    for stream in streams.values():
        await stream.close()
    got = await replays(
        JOIN_REQUEST, [(u, 1 if u not in (member, outsider) else 0) for u in everyone]
    )
    for events in got:
        assert events in ([], [pushed])
    [row] = await rows(server, join_requests)
    assert (row["session_id"], row["user_id"], row["leave_message"]) == (
        session_id,
        applicant.id,
        "let me in",
    )
    assert row["expires_at"] == clock.now_us() + 3 * DAY_US


async def test_approvers_are_those_holding_permission_13_when_the_request_is_made(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, member, applicant = await new_user("o"), await new_user("m"), await new_user("a")
    session_id = await make_group(server.deps, owner, member)
    await join(applicant, session_id)
    # Promoted after the request: the earlier request is not shown to them.
    await set_role(server, session_id, member, ADMIN)
    got = await replays(JOIN_REQUEST, [(owner, 1), (member, 0)])
    assert got[0][0].join_session_approval.user_id == applicant.id


async def test_asking_again_refreshes_the_request_and_notifies_again(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    owner, applicant = await new_user("owner"), await new_user("applicant")
    session_id = await make_group(server.deps, owner)
    await join(applicant, session_id, "first")
    clock.advance(EXPIRY_S - 1)
    stream = await live(server, owner)
    await join(applicant, session_id, "second")
    [first, second] = await collect(stream, JOIN_REQUEST, 2)
    await stream.close()
    assert second.join_session_approval.leave_message == "second"
    assert second.msg_id > first.msg_id
    [row] = await rows(server, join_requests)
    assert (row["leave_message"], row["expires_at"]) == (
        "second",
        clock.now_us() + EXPIRY_S * 1_000_000,
    )
    clock.advance(10)
    await allow(owner, session_id, applicant.id)
    assert applicant.id in await member_roles(server, session_id)


async def test_an_e2ee_session_shows_approvers_the_applicants_public_key(
    server: OurChatServer, new_user: NewUser
) -> None:
    owner, applicant = await new_user("owner"), await new_user("applicant")
    session_id = (await new_session(owner, e2ee_on=True)).session_id
    stream = await live(server, owner)
    await join(applicant, session_id)
    [pushed] = await collect(stream, JOIN_REQUEST, 1)
    await stream.close()
    assert len(pushed.join_session_approval.public_key) > 32


async def test_answering_needs_permission_13_in_the_session_named(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, member, other_admin, applicant, ex_admin = (
        await new_user("owner"),
        await new_user("member"),
        await new_user("other"),
        await new_user("applicant"),
        await new_user("ex"),
    )
    session_id = await make_group(
        server.deps, owner, member, other_admin, ex_admin, roles=(OWNER, MEMBER, MEMBER, ADMIN)
    )
    await make_group(server.deps, other_admin, roles=(ADMIN,))
    await leave(ex_admin, session_id)
    await join(applicant, session_id)
    for user in (member, other_admin, ex_admin, applicant):
        for accepted in (True, False):
            await expect_error(
                allow(user, session_id, applicant.id, accepted),
                grpc.StatusCode.PERMISSION_DENIED,
                details.PERMISSION_DENIED,
            )
    assert len(await rows(server, join_requests)) == 1
    assert applicant.id not in await member_roles(server, session_id)


async def test_accepting_admits_consumes_and_tells_the_applicant_only(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, admin, member, applicant = (
        await new_user("owner"),
        await new_user("admin"),
        await new_user("member"),
        await new_user("applicant"),
    )
    session_id = await make_group(server.deps, owner, admin, member, roles=(OWNER, ADMIN))
    await join(applicant, session_id)
    streams = {u.id: await live(server, u) for u in (owner, admin, member, applicant)}
    await allow(admin, session_id, applicant.id, True, room_key=b"key")
    [told] = await collect(streams[applicant.id], JOIN_ANSWER, 1)
    answer = told.allow_user_join_session_notification
    assert (answer.session_id, answer.accepted, answer.room_key) == (session_id, True, b"key")
    for user in (owner, admin, member):
        await collect(streams[user.id], JOIN_ANSWER, 0, settle=0)
    for stream in streams.values():
        await stream.close()
    assert (await member_roles(server, session_id))[applicant.id] == MEMBER
    assert await rows(server, join_requests) == []
    got = await replays(JOIN_ANSWER, [(applicant, 1), (owner, 0), (admin, 0), (member, 0)])
    assert (got[0][0].msg_id, got[0][0].time) == (told.msg_id, told.time)
    await expect_error(
        allow(owner, session_id, applicant.id),
        grpc.StatusCode.NOT_FOUND,
        details.SESSION_INVITATION_NOT_FOUND,
    )


async def test_declining_consumes_and_tells_the_applicant(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, applicant = await new_user("owner"), await new_user("applicant")
    session_id = await make_group(server.deps, owner)
    await join(applicant, session_id)
    stream = await live(server, applicant)
    await allow(owner, session_id, applicant.id, False)
    [told] = await collect(stream, JOIN_ANSWER, 1)
    await stream.close()
    answer = told.allow_user_join_session_notification
    assert (answer.session_id, answer.accepted, answer.HasField("room_key")) == (
        session_id,
        False,
        False,
    )
    assert await member_roles(server, session_id) == {owner.id: OWNER}
    assert await rows(server, join_requests) == []
    await expect_error(
        allow(owner, session_id, applicant.id, False),
        grpc.StatusCode.NOT_FOUND,
        details.SESSION_INVITATION_NOT_FOUND,
    )


async def test_without_a_pending_request_there_is_nothing_to_answer(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, applicant, stranger = await new_user("o"), await new_user("a"), await new_user("s")
    session_id = await make_group(server.deps, owner)
    other = await make_group(server.deps, owner)
    await join(applicant, other)
    for user in (applicant, stranger):
        await expect_error(
            allow(owner, session_id, user.id),
            grpc.StatusCode.NOT_FOUND,
            details.SESSION_INVITATION_NOT_FOUND,
        )
    assert await member_roles(server, session_id) == {owner.id: OWNER}


async def test_a_ban_since_the_request_blocks_admission(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, applicant = await new_user("owner"), await new_user("applicant")
    session_id = await make_group(server.deps, owner)
    await join(applicant, session_id)
    await ban(server, session_id, applicant.id)
    await expect_error(
        allow(owner, session_id, applicant.id),
        grpc.StatusCode.PERMISSION_DENIED,
        details.USER_BANNED,
    )
    assert await member_roles(server, session_id) == {owner.id: OWNER}
    # Turning the banned applicant down is still possible, and consumes the request.
    await allow(owner, session_id, applicant.id, False)
    assert await rows(server, join_requests) == []


async def test_a_request_expires_exactly_after_the_expiry_time(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    owner, early, late = await new_user("owner"), await new_user("early"), await new_user("late")
    session_id = await make_group(server.deps, owner)
    await join(early, session_id)
    await join(late, session_id)
    clock.advance(EXPIRY_S - 1)
    await allow(owner, session_id, early.id)
    clock.advance(1)
    await expect_error(
        allow(owner, session_id, late.id),
        grpc.StatusCode.NOT_FOUND,
        details.SESSION_INVITATION_NOT_FOUND,
    )
    assert set(await member_roles(server, session_id)) == {owner.id, early.id}
    # Asking again starts a fresh request.
    await join(late, session_id)
    await allow(owner, session_id, late.id)
    assert set(await member_roles(server, session_id)) == {owner.id, early.id, late.id}
