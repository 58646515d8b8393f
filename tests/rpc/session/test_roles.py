"""SetRole, AddRole and GetRole: custom roles per session, the rank rule and who may read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import grpc
from sqlalchemy import func, select

from ourchat import details
from ourchat._pb.service.ourchat.session.add_role.v1.add_role_pb2 import AddRoleRequest
from ourchat._pb.service.ourchat.session.get_role.v1.get_role_pb2 import GetRoleRequest
from ourchat._pb.service.ourchat.session.kick.v1.kick_pb2 import KickUserRequest
from ourchat._pb.service.ourchat.session.set_role.v1.set_role_pb2 import SetRoleRequest
from ourchat.deps import Deps
from ourchat.ids import PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import role_permissions, roles, session_members
from tests.helpers import User, expect_error, make_group

NewUser = Callable[..., Awaitable[User]]
OWNER, ADMIN, MEMBER = PredefinedRole.OWNER, PredefinedRole.ADMIN, PredefinedRole.MEMBER
DENIED = (grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED)
ROLE_NOT_FOUND = (grpc.StatusCode.NOT_FOUND, details.ROLE_NOT_FOUND)


def set_role(caller: User, session_id: int, member_id: int, role_id: int) -> Awaitable[Any]:
    return caller.client.call(
        "SetRole", SetRoleRequest(session_id=session_id, member_id=member_id, role_id=role_id)
    )


def add_role(
    caller: User,
    session_id: int,
    name: str,
    permissions: Sequence[int],
    description: str | None = None,
) -> Awaitable[Any]:
    return caller.client.call(
        "AddRole",
        AddRoleRequest(
            session_id=session_id, name=name, permissions=permissions, description=description
        ),
    )


def get_role(caller: User, role_id: int) -> Awaitable[Any]:
    return caller.client.call("GetRole", GetRoleRequest(role_id=role_id))


async def role_of(deps: Deps, session_id: int, user_id: int) -> int | None:
    async with deps.db.read() as conn:
        value = (
            await conn.execute(
                select(session_members.c.role_id).where(
                    session_members.c.session_id == session_id,
                    session_members.c.user_id == user_id,
                )
            )
        ).scalar_one_or_none()
    return int(value) if value is not None else None


async def custom_role_count(deps: Deps) -> int:
    async with deps.db.read() as conn:
        return int((await conn.execute(select(func.count()).where(roles.c.id > 3))).scalar_one())


async def test_owner_promotes_and_demotes_and_the_new_role_takes_effect(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, bob, carol = await new_user("owner"), await new_user("bob"), await new_user("carol")
    session = await make_group(server.deps, owner, bob, carol)
    kick = KickUserRequest(session_id=session, user_id=carol.id)
    await expect_error(bob.client.call("KickUser", kick), *DENIED)

    await set_role(owner, session, bob.id, ADMIN)

    assert await role_of(server.deps, session, bob.id) == ADMIN
    # An admin may not set roles (no permission 10).
    await expect_error(set_role(bob, session, carol.id, ADMIN), *DENIED)
    await set_role(owner, session, bob.id, MEMBER)
    assert await role_of(server.deps, session, bob.id) == MEMBER
    await set_role(owner, session, bob.id, ADMIN)
    await bob.client.call("KickUser", kick)
    assert await role_of(server.deps, session, carol.id) is None


async def test_only_an_owner_makes_owners_and_owners_cannot_demote_each_other(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, manager, bob = await new_user("owner"), await new_user("mgr"), await new_user("bob")
    session = await make_group(server.deps, owner, manager, bob)
    role = await add_role(owner, session, "manager", [1, 10])
    await set_role(owner, session, manager.id, role.role_id)

    # Permission 10 ranks as an admin: it may hand out admin, not owner.
    await expect_error(set_role(manager, session, bob.id, OWNER), *DENIED)
    await set_role(manager, session, bob.id, ADMIN)
    assert await role_of(server.deps, session, bob.id) == ADMIN
    await expect_error(set_role(manager, session, bob.id, MEMBER), *DENIED)  # same rank now
    await expect_error(set_role(manager, session, owner.id, MEMBER), *DENIED)

    await set_role(owner, session, bob.id, OWNER)
    assert await role_of(server.deps, session, bob.id) == OWNER
    await expect_error(set_role(bob, session, owner.id, MEMBER), *DENIED)
    await expect_error(set_role(owner, session, bob.id, MEMBER), *DENIED)
    assert await role_of(server.deps, session, owner.id) == OWNER


async def test_set_role_refusals(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    owner, admin, bob = await new_user("owner"), await new_user("admin"), await new_user("bob")
    eve = await new_user("eve")
    session = await make_group(server.deps, owner, admin, bob, roles=(OWNER, ADMIN, MEMBER))
    other = await make_group(server.deps, eve, bob)
    foreign = await add_role(eve, other, "elsewhere", [1])
    local = await add_role(owner, session, "local", [1])

    await expect_error(
        set_role(owner, 424242, bob.id, ADMIN), grpc.StatusCode.NOT_FOUND, details.SESSION_NOT_FOUND
    )
    await expect_error(set_role(eve, session, bob.id, ADMIN), *DENIED)  # owner elsewhere only
    await expect_error(set_role(bob, session, bob.id, ADMIN), *DENIED)  # no permission 10
    await expect_error(set_role(owner, session, owner.id, MEMBER), *DENIED)  # oneself
    await expect_error(
        set_role(owner, session, eve.id, ADMIN),
        grpc.StatusCode.NOT_FOUND,
        details.USER_NOT_IN_SESSION,
    )
    await expect_error(set_role(owner, session, bob.id, 9999), *ROLE_NOT_FOUND)
    await expect_error(set_role(owner, session, bob.id, 0), *ROLE_NOT_FOUND)
    await expect_error(set_role(owner, session, bob.id, foreign.role_id), *ROLE_NOT_FOUND)
    assert await role_of(server.deps, session, bob.id) == MEMBER
    assert await role_of(server.deps, other, bob.id) == MEMBER

    await set_role(owner, session, bob.id, local.role_id)
    assert await role_of(server.deps, session, bob.id) == local.role_id


async def test_add_role_creates_a_readable_custom_role(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, bob, eve = await new_user("owner"), await new_user("bob"), await new_user("eve")
    session = await make_group(server.deps, owner, bob)

    first = await add_role(owner, session, "moderator", [11, 12, 1, 11], "keeps order")
    empty = await add_role(owner, session, "  muted  ", [])

    assert first.role_id >= 4
    assert empty.role_id > first.role_id
    async with server.deps.db.read() as conn:
        row = (await conn.execute(select(roles).where(roles.c.id == first.role_id))).one()
        granted = await conn.execute(
            select(role_permissions.c.permission_id).where(
                role_permissions.c.role_id == first.role_id
            )
        )
        assert sorted(int(r[0]) for r in granted) == [1, 11, 12]
    assert (row.name, row.description, row.session_id, row.creator_id) == (
        "moderator",
        "keeps order",
        session,
        owner.id,
    )
    for reader in (owner, bob):
        got = await get_role(reader, first.role_id)
        assert (got.name, got.description, list(got.permissions)) == (
            "moderator",
            "keeps order",
            [1, 11, 12],
        )
        assert got.HasField("session_id")
        assert got.session_id == session
    got = await get_role(bob, empty.role_id)
    assert (got.name, list(got.permissions)) == ("  muted  ", [])
    assert not got.HasField("description")
    await expect_error(
        get_role(eve, first.role_id), grpc.StatusCode.PERMISSION_DENIED, details.NOT_IN_SESSION
    )


async def test_add_role_refusals_create_nothing(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    owner, admin, eve = await new_user("owner"), await new_user("admin"), await new_user("eve")
    session = await make_group(server.deps, owner, admin, roles=(OWNER, ADMIN))
    await make_group(server.deps, eve)
    invalid = (grpc.StatusCode.INVALID_ARGUMENT, details.REQUEST_INVALID_VALUE)

    for name in ("", "   ", "\t\n"):
        await expect_error(
            add_role(owner, session, name, [1]),
            grpc.StatusCode.INVALID_ARGUMENT,
            details.ROLE_NAME_EMPTY,
        )
    await expect_error(add_role(owner, session, "r", [1, 15]), *invalid)
    await expect_error(add_role(owner, session, "r", [0]), *invalid)
    await expect_error(
        add_role(owner, 424242, "r", [1]), grpc.StatusCode.NOT_FOUND, details.SESSION_NOT_FOUND
    )
    await expect_error(add_role(admin, session, "r", [1]), *DENIED)  # admin: no permission 10
    await expect_error(add_role(eve, session, "r", [1]), *DENIED)  # not a member
    assert await custom_role_count(server.deps) == 0


async def test_get_role_of_predefined_roles_and_refusals(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, bob, loner = await new_user("owner"), await new_user("bob"), await new_user("loner")
    session = await make_group(server.deps, owner, bob)
    custom = await add_role(owner, session, "custom", [1])

    expected = {
        MEMBER: ("member", "common member", [1]),
        ADMIN: (
            "admin",
            "have almost all permissions to manage the session",
            [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13],
        ),
        OWNER: ("owner", "have all permissions to manage the session", list(range(1, 15))),
    }
    for role_id, (name, description, permissions) in expected.items():
        got = await get_role(loner, role_id)  # readable by anyone, member of nothing
        assert (got.name, got.description, list(got.permissions)) == (
            name,
            description,
            permissions,
        )
        assert not got.HasField("session_id")
    for missing in (0, 9999):
        await expect_error(get_role(loner, missing), *ROLE_NOT_FOUND)

    await owner.client.call("KickUser", KickUserRequest(session_id=session, user_id=bob.id))
    # An ex-member no longer reads the session's roles.
    await expect_error(
        get_role(bob, custom.role_id), grpc.StatusCode.PERMISSION_DENIED, details.NOT_IN_SESSION
    )


async def test_a_role_without_permission_1_cannot_send(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, bob = await new_user("owner"), await new_user("bob")
    session = await make_group(server.deps, owner, bob)
    silent = await add_role(owner, session, "listener", [])
    await set_role(owner, session, bob.id, silent.role_id)
    await expect_error(bob.client.send_msg(session, "hi"), *DENIED)
    await set_role(owner, session, bob.id, MEMBER)
    await bob.client.send_msg(session, "hi")
