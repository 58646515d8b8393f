"""KickUser: permission 5 and a strictly higher rank, inside the named session only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
from sqlalchemy import select

from ourchat import details
from ourchat._pb.service.ourchat.session.add_role.v1.add_role_pb2 import AddRoleRequest
from ourchat._pb.service.ourchat.session.kick.v1.kick_pb2 import KickUserRequest
from ourchat._pb.service.ourchat.session.set_role.v1.set_role_pb2 import SetRoleRequest
from ourchat.deps import Deps
from ourchat.ids import PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import session_members
from tests.helpers import Stream, User, expect_error, kinds, make_group

NewUser = Callable[..., Awaitable[User]]
OWNER, ADMIN, MEMBER = PredefinedRole.OWNER, PredefinedRole.ADMIN, PredefinedRole.MEMBER


def kick(caller: User, session_id: int, user_id: int) -> Awaitable[object]:
    return caller.client.call("KickUser", KickUserRequest(session_id=session_id, user_id=user_id))


async def members(deps: Deps, session_id: int) -> dict[int, int]:
    """``user_id -> role_id`` of the session's members, read from the database."""
    async with deps.db.read() as conn:
        rows = await conn.execute(
            select(session_members.c.user_id, session_members.c.role_id).where(
                session_members.c.session_id == session_id
            )
        )
        return {int(r[0]): int(r[1]) for r in rows}


async def test_kicked_member_is_removed_and_stops_receiving_the_session(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, admin, bob = await new_user("owner"), await new_user("admin"), await new_user("bob")
    session = await make_group(server.deps, owner, admin, bob, roles=(OWNER, ADMIN, MEMBER))
    bob_stream, owner_stream = Stream(bob.client), Stream(owner.client)

    await kick(admin, session, bob.id)

    assert await members(server.deps, session) == {owner.id: OWNER, admin.id: ADMIN}
    await expect_error(
        bob.client.send_msg(session, "still here?"),
        grpc.StatusCode.PERMISSION_DENIED,
        details.USER_NOT_IN_SESSION,
    )
    sent = await owner.client.send_msg(session, "after the kick")
    [event] = await owner_stream.wait_for(1)
    assert kinds([event]) == ["msg"]  # the kick itself is not an event
    assert event.msg_id == sent.msg_id  # type: ignore[attr-defined]
    assert await bob_stream.settle() == []
    # A kicked user does not replay the session either.
    replay = Stream(bob.client)
    assert await replay.settle() == []
    for s in (bob_stream, owner_stream, replay):
        await s.close()


async def test_owner_kicks_an_admin_and_the_session_keeps_its_owner(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, admin = await new_user("owner"), await new_user("admin")
    session = await make_group(server.deps, owner, admin, roles=(OWNER, ADMIN))
    await kick(owner, session, admin.id)
    assert await members(server.deps, session) == {owner.id: OWNER}
    # The ex-admin lost the role with the membership: no moderation right is left.
    await expect_error(
        kick(admin, session, owner.id), grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED
    )


async def test_kick_refusals(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    owner, admin, admin2 = await new_user("owner"), await new_user("admin"), await new_user("a2")
    bob, carol, eve = await new_user("bob"), await new_user("carol"), await new_user("eve")
    session = await make_group(
        server.deps, owner, admin, admin2, bob, carol, roles=(OWNER, ADMIN, ADMIN, MEMBER, MEMBER)
    )
    other = await make_group(server.deps, eve, bob)  # eve owns another session
    before = await members(server.deps, session)
    denied = (grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED)

    await expect_error(
        kick(owner, 424242, bob.id), grpc.StatusCode.NOT_FOUND, details.SESSION_NOT_FOUND
    )
    # Rights in another session count for nothing here.
    await expect_error(kick(eve, session, bob.id), *denied)
    await expect_error(kick(bob, session, carol.id), *denied)  # member: no permission 5
    await expect_error(kick(admin, session, admin.id), *denied)  # oneself
    await expect_error(kick(owner, session, owner.id), *denied)
    await expect_error(kick(admin, session, admin2.id), *denied)  # same rank
    await expect_error(kick(admin, session, owner.id), *denied)  # higher rank
    await expect_error(
        kick(admin, session, eve.id), grpc.StatusCode.NOT_FOUND, details.USER_NOT_IN_SESSION
    )
    await expect_error(
        kick(owner, session, 987654321), grpc.StatusCode.NOT_FOUND, details.USER_NOT_IN_SESSION
    )
    assert await members(server.deps, session) == before
    assert await members(server.deps, other) == {eve.id: OWNER, bob.id: MEMBER}


async def test_custom_roles_kick_by_permission_and_rank(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, kicker, manager = await new_user("owner"), await new_user("k"), await new_user("m")
    bob, carol = await new_user("bob"), await new_user("carol")
    session = await make_group(server.deps, owner, kicker, manager, bob, carol)
    kick_only = await owner.client.call(
        "AddRole", AddRoleRequest(session_id=session, name="bouncer", permissions=[1, 5])
    )
    kick_and_roles = await owner.client.call(
        "AddRole", AddRoleRequest(session_id=session, name="manager", permissions=[5, 10])
    )
    for user, role in ((kicker, kick_only.role_id), (manager, kick_and_roles.role_id)):
        await owner.client.call(
            "SetRole", SetRoleRequest(session_id=session, member_id=user.id, role_id=role)
        )
    # Permission 5 alone ranks as a member: not above another member.
    await expect_error(
        kick(kicker, session, bob.id), grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED
    )
    # With permission 10 the custom role ranks as an admin.
    await kick(manager, session, bob.id)
    await kick(manager, session, kicker.id)
    await expect_error(
        kick(manager, session, owner.id),
        grpc.StatusCode.PERMISSION_DENIED,
        details.PERMISSION_DENIED,
    )
    assert await members(server.deps, session) == {
        owner.id: OWNER,
        manager.id: kick_and_roles.role_id,
        carol.id: MEMBER,
    }
