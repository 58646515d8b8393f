"""Queries on server roles: which roles exist, what they grant, and who holds them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.engine import insert_if_absent
from ourchat.storage.tables import (
    INT64_MAX,
    server_permissions,
    server_role_permissions,
    server_roles,
    user_server_roles,
    users,
)


def _storable(value: int) -> bool:
    return 0 <= value <= INT64_MAX


async def permissions_of_user(conn: AsyncConnection, user_id: int) -> frozenset[int]:
    """Every server permission ``user_id`` holds through any of their roles."""
    if not _storable(user_id):
        return frozenset()
    rows = await conn.execute(
        select(server_role_permissions.c.permission_id)
        .join(user_server_roles, user_server_roles.c.role_id == server_role_permissions.c.role_id)
        .where(user_server_roles.c.user_id == user_id)
    )
    return frozenset(int(r[0]) for r in rows)


async def role_ids_of(conn: AsyncConnection, user_id: int) -> list[int]:
    """The ids of the server roles ``user_id`` holds, ascending."""
    if not _storable(user_id):
        return []
    rows = await conn.execute(
        select(user_server_roles.c.role_id)
        .where(user_server_roles.c.user_id == user_id)
        .order_by(user_server_roles.c.role_id)
    )
    return [int(r[0]) for r in rows]


async def role_exists(conn: AsyncConnection, role_id: int) -> bool:
    """Whether a server role with this id exists."""
    if not _storable(role_id):
        return False
    found = await conn.execute(select(server_roles.c.id).where(server_roles.c.id == role_id))
    return found.first() is not None


async def assign(conn: AsyncConnection, user_id: int, role_id: int) -> bool:
    """Give ``user_id`` the role; returns whether it was new."""
    result = await conn.execute(
        insert_if_absent(
            conn, user_server_roles, ("user_id", "role_id"), user_id=user_id, role_id=role_id
        )
    )
    return bool(result.rowcount)


async def remove(conn: AsyncConnection, user_id: int, role_id: int) -> bool:
    """Take the role from ``user_id``; returns whether they held it."""
    if not (_storable(user_id) and _storable(role_id)):
        return False
    result = await conn.execute(
        delete(user_server_roles).where(
            user_server_roles.c.user_id == user_id, user_server_roles.c.role_id == role_id
        )
    )
    return bool(result.rowcount)


async def roles(conn: AsyncConnection) -> Sequence[tuple[int, str, str]]:
    """Every server role as ``(id, name, description)``, by id."""
    rows = await conn.execute(
        select(server_roles.c.id, server_roles.c.name, server_roles.c.description).order_by(
            server_roles.c.id
        )
    )
    return [(int(r[0]), str(r[1]), str(r[2] or "")) for r in rows]


async def role_permissions(conn: AsyncConnection, role_id: int) -> Sequence[tuple[int, str, str]]:
    """The permissions of one role as ``(id, name, description)``, by id; [] if unknown."""
    if not _storable(role_id):
        return []
    rows = await conn.execute(
        select(server_permissions.c.id, server_permissions.c.name, server_permissions.c.description)
        .join(
            server_role_permissions,
            server_role_permissions.c.permission_id == server_permissions.c.id,
        )
        .where(server_role_permissions.c.role_id == role_id)
        .order_by(server_permissions.c.id)
    )
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


async def active_holders(conn: AsyncConnection, permission: int) -> set[int]:
    """Active accounts holding ``permission`` through any role."""
    rows = await conn.execute(
        select(user_server_roles.c.user_id)
        .join(
            server_role_permissions,
            server_role_permissions.c.role_id == user_server_roles.c.role_id,
        )
        .join(users, users.c.id == user_server_roles.c.user_id)
        .where(server_role_permissions.c.permission_id == permission, users.c.account_status == 0)
    )
    return {int(r[0]) for r in rows}


async def create_role(
    conn: AsyncConnection, name: str, description: str, permissions: Sequence[int]
) -> int:
    """Add a server role (no RPC does this; for operators' tooling and tests)."""
    result = await conn.execute(
        server_roles.insert()
        .values(name=name, description=description)
        .returning(server_roles.c.id)
    )
    role_id = int(result.scalar_one())
    if permissions:
        await conn.execute(
            server_role_permissions.insert(),
            [{"role_id": role_id, "permission_id": p} for p in permissions],
        )
    return role_id
