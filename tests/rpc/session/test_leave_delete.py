"""LeaveSession (ownership hand-over, the last member takes the session) and DeleteSession."""

from __future__ import annotations

import grpc

from ourchat import details
from ourchat.clock import ManualClock
from ourchat.ids import PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import (
    events,
    join_requests,
    roles,
    session_invitations,
    session_members,
    sessions,
)
from tests.helpers import expect_error, make_group
from tests.rpc.session.flows import (
    NewUser,
    Q,
    answer_invitation,
    befriend,
    custom_role,
    delete,
    info,
    invite,
    join,
    leave,
    member_roles,
    new_session,
    rows,
    set_role,
)

OWNER, ADMIN, MEMBER = PredefinedRole.OWNER, PredefinedRole.ADMIN, PredefinedRole.MEMBER


async def test_leaving_needs_membership(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    session_id = await make_group(server.deps, alice)
    for session in (session_id, 999):
        await expect_error(
            leave(bob, session), grpc.StatusCode.NOT_FOUND, details.USER_NOT_IN_SESSION
        )
    await make_group(server.deps, bob)
    await leave(alice, session_id)
    await expect_error(
        leave(alice, session_id), grpc.StatusCode.NOT_FOUND, details.USER_NOT_IN_SESSION
    )


async def test_a_member_leaves_and_the_rest_stay(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    session_id = await make_group(server.deps, alice, bob, carol)
    await leave(bob, session_id)
    assert await member_roles(server, session_id) == {alice.id: OWNER, carol.id: MEMBER}
    assert (await info(alice, session_id, Q.QUERY_VALUES_SIZE)).size == 2


async def test_the_last_owner_hands_over_to_the_longest_standing_admin(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    owner, member, admin1, admin2 = (
        await new_user("owner"),
        await new_user("member"),
        await new_user("admin1"),
        await new_user("admin2"),
    )
    session_id = (await new_session(owner)).session_id
    # Joining order differs from id order: member, then admin2, then admin1.
    for user in (member, admin2, admin1):
        clock.advance(1)
        await invite(owner, session_id, user.id)
        await answer_invitation(user, session_id)
    for user in (admin1, admin2):
        await set_role(server, session_id, user, ADMIN)
    await leave(owner, session_id)
    assert await member_roles(server, session_id) == {
        member.id: MEMBER,
        admin1.id: ADMIN,
        admin2.id: OWNER,
    }


async def test_without_admins_the_longest_standing_member_becomes_owner(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    owner, first, second = await new_user("owner"), await new_user("a"), await new_user("b")
    session_id = (await new_session(owner)).session_id
    for user in (second, first):
        clock.advance(1)
        await invite(owner, session_id, user.id)
        await answer_invitation(user, session_id)
    await leave(owner, session_id)
    assert await member_roles(server, session_id) == {second.id: OWNER, first.id: MEMBER}
    roles_seen = await info(first, session_id, Q.QUERY_VALUES_ROLES)
    assert {(r.user_id, r.role) for r in roles_seen.roles} == {
        (second.id, OWNER),
        (first.id, MEMBER),
    }


async def test_an_owner_leaving_beside_another_owner_hands_nothing_over(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    a, b, c = await new_user("a"), await new_user("b"), await new_user("c")
    session_id = await make_group(server.deps, a, b, c, roles=(OWNER, MEMBER, OWNER))
    await leave(a, session_id)
    assert await member_roles(server, session_id) == {b.id: MEMBER, c.id: OWNER}


async def test_the_last_member_takes_the_session_and_its_rows_along(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    session_id = await make_group(server.deps, alice, bob)
    await custom_role(server, session_id, [1])
    await invite(alice, session_id, carol.id)
    await alice.client.send_msg(session_id, "hello")
    await leave(bob, session_id)
    await leave(alice, session_id)
    assert await rows(server, sessions, sessions.c.id == session_id) == []
    assert await rows(server, session_invitations) == []
    assert await rows(server, events, events.c.session_id == session_id) == []
    assert await rows(server, roles, roles.c.session_id == session_id) == []
    await expect_error(
        info(alice, session_id, Q.QUERY_VALUES_NAME),
        grpc.StatusCode.NOT_FOUND,
        details.SESSION_NOT_FOUND,
    )


async def test_only_permission_9_deletes_a_session(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, admin, member, outsider = (
        await new_user("owner"),
        await new_user("admin"),
        await new_user("member"),
        await new_user("out"),
    )
    session_id = await make_group(server.deps, owner, admin, member, roles=(OWNER, ADMIN))
    await make_group(server.deps, outsider)
    await expect_error(delete(owner, 4321), grpc.StatusCode.NOT_FOUND, details.SESSION_NOT_FOUND)
    for user in (admin, member, outsider):
        await expect_error(
            delete(user, session_id), grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED
        )
    assert len(await member_roles(server, session_id)) == 3


async def test_deleting_removes_members_invitations_requests_and_events(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, member, invitee, applicant = (
        await new_user("owner"),
        await new_user("member"),
        await new_user("invitee"),
        await new_user("applicant"),
    )
    session_id = await make_group(server.deps, owner, member)
    await invite(owner, session_id, invitee.id)
    await join(applicant, session_id)
    await owner.client.send_msg(session_id, "hello")
    await delete(owner, session_id)
    assert await rows(server, sessions, sessions.c.id == session_id) == []
    assert await rows(server, session_members, session_members.c.session_id == session_id) == []
    assert await rows(server, session_invitations) == []
    assert await rows(server, join_requests) == []
    assert await rows(server, events, events.c.session_id == session_id) == []
    await expect_error(
        info(member, session_id, Q.QUERY_VALUES_NAME),
        grpc.StatusCode.NOT_FOUND,
        details.SESSION_NOT_FOUND,
    )
    await expect_error(
        delete(owner, session_id), grpc.StatusCode.NOT_FOUND, details.SESSION_NOT_FOUND
    )


async def test_a_friends_private_session_can_be_neither_left_nor_deleted(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    private = await befriend(alice, bob)
    await expect_error(
        leave(alice, private), grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED
    )
    await expect_error(
        delete(bob, private), grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED
    )
    assert await member_roles(server, private) == {alice.id: OWNER, bob.id: OWNER}
