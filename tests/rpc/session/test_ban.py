"""BanUser / UnbanUser: removal, keeping out, session-wide bans, expiry and refusals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
from google.protobuf.duration_pb2 import Duration
from sqlalchemy import select

from ourchat import details
from ourchat._pb.service.ourchat.session.add_role.v1.add_role_pb2 import AddRoleRequest
from ourchat._pb.service.ourchat.session.ban.v1.ban_pb2 import BanUserRequest, UnbanUserRequest
from ourchat._pb.service.ourchat.session.join_session.v1.join_session_pb2 import (
    JoinSessionRequest,
)
from ourchat._pb.service.ourchat.session.set_role.v1.set_role_pb2 import SetRoleRequest
from ourchat.clock import US_PER_SECOND, ManualClock
from ourchat.deps import Deps
from ourchat.ids import PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import bans, session_members
from tests.helpers import Stream, User, expect_error, make_group

NewUser = Callable[..., Awaitable[User]]
OWNER, ADMIN, MEMBER = PredefinedRole.OWNER, PredefinedRole.ADMIN, PredefinedRole.MEMBER
DENIED = (grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED)
BANNED = (grpc.StatusCode.PERMISSION_DENIED, details.USER_BANNED)
NOT_BANNED = (grpc.StatusCode.NOT_FOUND, details.USER_NOT_BANNED)


def ban(
    caller: User, session_id: int, *user_ids: int, seconds: int | None = None
) -> Awaitable[object]:
    request = BanUserRequest(session_id=session_id, user_ids=list(user_ids))
    if seconds is not None:
        request.duration.CopyFrom(Duration(seconds=seconds))
    return caller.client.call("BanUser", request)


def unban(caller: User, session_id: int, *user_ids: int) -> Awaitable[object]:
    return caller.client.call(
        "UnbanUser", UnbanUserRequest(session_id=session_id, user_ids=list(user_ids))
    )


def join(user: User, session_id: int) -> Awaitable[object]:
    return user.client.call("JoinSession", JoinSessionRequest(session_id=session_id))


async def ban_rows(deps: Deps, session_id: int) -> set[tuple[int | None, int | None]]:
    """``(user_id, expires_at)`` of every stored ban of the session."""
    async with deps.db.read() as conn:
        rows = await conn.execute(
            select(bans.c.user_id, bans.c.expires_at).where(bans.c.session_id == session_id)
        )
        return {(r[0], r[1]) for r in rows}


async def members(deps: Deps, session_id: int) -> dict[int, int]:
    """``user_id -> role_id`` of the session's members."""
    async with deps.db.read() as conn:
        rows = await conn.execute(
            select(session_members.c.user_id, session_members.c.role_id).where(
                session_members.c.session_id == session_id
            )
        )
        return {int(r[0]): int(r[1]) for r in rows}


async def test_timed_ban_removes_the_member_and_keeps_them_out_until_the_exact_second(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    owner, admin, bob = await new_user("owner"), await new_user("admin"), await new_user("bob")
    session = await make_group(server.deps, owner, admin, bob, roles=(OWNER, ADMIN, MEMBER))
    bob_stream, owner_stream = Stream(bob.client), Stream(owner.client)
    banned_at = clock.now_us()

    await ban(admin, session, bob.id, seconds=3600)

    assert await ban_rows(server.deps, session) == {(bob.id, banned_at + 3600 * US_PER_SECOND)}
    assert await members(server.deps, session) == {owner.id: OWNER, admin.id: ADMIN}
    await expect_error(
        bob.client.send_msg(session, "hi"),
        grpc.StatusCode.PERMISSION_DENIED,
        details.USER_NOT_IN_SESSION,
    )
    await owner.client.send_msg(session, "bob is gone")
    assert len(await owner_stream.wait_for(1)) == 1  # the message only: a ban is no event
    assert await bob_stream.settle() == []
    await expect_error(join(bob, session), *BANNED)
    clock.advance(3599.999999)
    await expect_error(join(bob, session), *BANNED)
    clock.advance(0.000001)
    await join(bob, session)  # asking to join is possible again
    await expect_error(unban(admin, session, bob.id), *NOT_BANNED)  # expired: nothing to lift
    for s in (bob_stream, owner_stream):
        await s.close()


async def test_permanent_ban_lasts_until_unbanned(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    owner, bob = await new_user("owner"), await new_user("bob")
    session = await make_group(server.deps, owner, bob)
    await ban(owner, session, bob.id)
    assert await ban_rows(server.deps, session) == {(bob.id, None)}
    clock.advance(4 * 24 * 3600)
    await expect_error(join(bob, session), *BANNED)

    await unban(owner, session, bob.id)

    assert await ban_rows(server.deps, session) == set()
    assert await members(server.deps, session) == {owner.id: OWNER}  # nobody is re-added
    await join(bob, session)
    await expect_error(unban(owner, session, bob.id), *NOT_BANNED)


async def test_an_ex_member_can_be_banned_but_not_an_unknown_user(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, bob, eve = await new_user("owner"), await new_user("bob"), await new_user("eve")
    session = await make_group(server.deps, owner, bob)
    await ban(owner, session, eve.id)  # never a member: kept from ever joining
    await expect_error(join(eve, session), *BANNED)
    await expect_error(
        ban(owner, session, bob.id, 987654321), grpc.StatusCode.NOT_FOUND, details.USER_NOT_FOUND
    )
    assert await ban_rows(server.deps, session) == {(eve.id, None)}
    assert await members(server.deps, session) == {owner.id: OWNER, bob.id: MEMBER}


async def test_session_wide_ban_removes_members_without_unban_permission_below_the_caller(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    owner, admin, admin2 = await new_user("owner"), await new_user("admin"), await new_user("a2")
    bob, helper, manager = await new_user("bob"), await new_user("helper"), await new_user("mgr")
    outsider = await new_user("outsider")
    session = await make_group(
        server.deps,
        owner,
        admin,
        admin2,
        bob,
        helper,
        manager,
        roles=(OWNER, ADMIN, ADMIN, MEMBER, MEMBER, MEMBER),
    )
    helper_role = await owner.client.call(
        "AddRole", AddRoleRequest(session_id=session, name="helper", permissions=[1, 13])
    )
    manager_role = await owner.client.call(
        "AddRole", AddRoleRequest(session_id=session, name="manager", permissions=[1, 10])
    )
    for user, role in ((helper, helper_role.role_id), (manager, manager_role.role_id)):
        await owner.client.call(
            "SetRole", SetRoleRequest(session_id=session, member_id=user.id, role_id=role)
        )

    await ban(admin, session, seconds=60)

    assert await ban_rows(server.deps, session) == {(None, clock.now_us() + 60 * US_PER_SECOND)}
    # Kept: the caller, the owner (higher rank), the other admin (permission 4) and the
    # custom role with permission 10 (same rank as an admin). Removed: bob and the helper.
    assert await members(server.deps, session) == {
        owner.id: OWNER,
        admin.id: ADMIN,
        admin2.id: ADMIN,
        manager.id: manager_role.role_id,
    }
    for user in (bob, outsider):
        await expect_error(join(user, session), *BANNED)
    # Lifting a personal ban does not lift the session-wide one.
    await expect_error(unban(admin, session, bob.id), *NOT_BANNED)
    clock.advance(60)
    await join(bob, session)
    await expect_error(unban(admin, session), *NOT_BANNED)


async def test_session_wide_ban_is_lifted_with_an_empty_list(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, bob, eve = await new_user("owner"), await new_user("bob"), await new_user("eve")
    session = await make_group(server.deps, owner, bob)
    await expect_error(unban(owner, session), *NOT_BANNED)
    await ban(owner, session)
    await ban(owner, session, eve.id)
    assert await ban_rows(server.deps, session) == {(None, None), (eve.id, None)}
    assert await members(server.deps, session) == {owner.id: OWNER}

    await unban(owner, session)

    assert await ban_rows(server.deps, session) == {(eve.id, None)}
    await join(bob, session)
    await expect_error(join(eve, session), *BANNED)


async def test_ban_refusals_write_nothing(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    owner, admin, admin2 = await new_user("owner"), await new_user("admin"), await new_user("a2")
    bob, carol, eve = await new_user("bob"), await new_user("carol"), await new_user("eve")
    session = await make_group(
        server.deps, owner, admin, admin2, bob, carol, roles=(OWNER, ADMIN, ADMIN, MEMBER, MEMBER)
    )
    await make_group(server.deps, eve, bob)  # eve owns another session with bob in it
    before = await members(server.deps, session)

    await expect_error(
        ban(owner, 424242, bob.id), grpc.StatusCode.NOT_FOUND, details.SESSION_NOT_FOUND
    )
    await expect_error(ban(eve, session, bob.id), *DENIED)  # not a member here
    await expect_error(ban(bob, session, carol.id), *DENIED)  # no permission 3
    await expect_error(ban(bob, session), *DENIED)
    await expect_error(ban(admin, session, admin.id), *DENIED)  # oneself
    await expect_error(ban(admin, session, admin2.id), *DENIED)  # same rank
    await expect_error(ban(admin, session, bob.id, owner.id), *DENIED)  # higher rank
    for seconds in (0, -1):
        await expect_error(
            ban(owner, session, bob.id, seconds=seconds),
            grpc.StatusCode.INVALID_ARGUMENT,
            details.REQUEST_INVALID_VALUE,
        )
    assert await ban_rows(server.deps, session) == set()
    assert await members(server.deps, session) == before


async def test_unban_refusals_write_nothing(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    owner, admin, bob = await new_user("owner"), await new_user("admin"), await new_user("bob")
    carol, eve = await new_user("carol"), await new_user("eve")
    session = await make_group(
        server.deps, owner, admin, bob, carol, roles=(OWNER, ADMIN, MEMBER, MEMBER)
    )
    await ban(owner, session, bob.id)
    rows = await ban_rows(server.deps, session)

    await expect_error(
        unban(owner, 424242, bob.id), grpc.StatusCode.NOT_FOUND, details.SESSION_NOT_FOUND
    )
    await expect_error(unban(eve, session, bob.id), *DENIED)
    await expect_error(unban(carol, session, bob.id), *DENIED)  # no permission 4
    await expect_error(unban(admin, session, admin.id), *DENIED)  # oneself
    # eve, first, is not banned: the call stops before bob (§18 lifts in order).
    await expect_error(unban(admin, session, eve.id, bob.id), *NOT_BANNED)
    assert await ban_rows(server.deps, session) == rows

    await unban(admin, session, bob.id)
    assert await ban_rows(server.deps, session) == set()
