"""Queries on roles (predefined and per-session custom ones) and the permissions they grant."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.tables import role_permissions, roles


@dataclass(frozen=True)
class Role:
    """One row of ``roles`` with the permission ids it grants."""

    id: int
    name: str
    description: str | None
    session_id: int | None
    permissions: frozenset[int]


async def get(conn: AsyncConnection, role_id: int) -> Role | None:
    """A role and its permissions, or None if there is no such role."""
    row = (
        await conn.execute(
            select(roles.c.id, roles.c.name, roles.c.description, roles.c.session_id).where(
                roles.c.id == role_id
            )
        )
    ).first()
    if row is None:
        return None
    granted = await conn.execute(
        select(role_permissions.c.permission_id).where(role_permissions.c.role_id == role_id)
    )
    return Role(
        id=int(row.id),
        name=str(row.name),
        description=row.description,
        session_id=int(row.session_id) if row.session_id is not None else None,
        permissions=frozenset(int(r[0]) for r in granted),
    )


async def session_of(conn: AsyncConnection, role_id: int) -> tuple[bool, int | None]:
    """Whether the role exists, and the session it belongs to (None: predefined)."""
    row = (await conn.execute(select(roles.c.session_id).where(roles.c.id == role_id))).first()
    if row is None:
        return False, None
    return True, int(row[0]) if row[0] is not None else None


async def create(
    conn: AsyncConnection,
    *,
    session_id: int,
    creator_id: int,
    name: str,
    description: str | None,
    permission_ids: Iterable[int],
) -> int:
    """Insert a custom role of ``session_id`` granting ``permission_ids``; returns its id."""
    role_id = (
        await conn.execute(
            insert(roles)
            .values(
                name=name, description=description, session_id=session_id, creator_id=creator_id
            )
            .returning(roles.c.id)
        )
    ).scalar_one()
    granted = sorted(set(permission_ids))
    if granted:
        await conn.execute(
            insert(role_permissions),
            [{"role_id": role_id, "permission_id": p} for p in granted],
        )
    return int(role_id)
