"""Queries of the REST API gateway: phone numbers, profile fields, searches, push positions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.tables import (
    INT64_MAX,
    rest_profiles,
    rest_push_cursors,
    session_members,
    sessions,
    users,
)

ACCOUNT_ACTIVE = 0


async def user_by_phone(conn: AsyncConnection, phone: str) -> int | None:
    """The id of the account with this phone number, or None."""
    value = (
        await conn.execute(select(rest_profiles.c.user_id).where(rest_profiles.c.phone == phone))
    ).scalar_one_or_none()
    return int(value) if value is not None else None


async def get(conn: AsyncConnection, user_id: int) -> RowMapping | None:
    """The REST profile row of a user, or None (accounts made elsewhere have none)."""
    if not 0 <= user_id <= INT64_MAX:
        return None
    row = (
        await conn.execute(select(rest_profiles).where(rest_profiles.c.user_id == user_id))
    ).first()
    return row._mapping if row is not None else None


async def put(conn: AsyncConnection, user_id: int, **values: Any) -> None:
    """Create or change the REST profile of ``user_id``."""
    if await get(conn, user_id) is None:
        defaults = {"phone": None, "description": "", "sex": 0}
        await conn.execute(rest_profiles.insert().values(user_id=user_id, **{**defaults, **values}))
        return
    await conn.execute(
        rest_profiles.update().where(rest_profiles.c.user_id == user_id).values(**values)
    )


async def name_taken(conn: AsyncConnection, name: str, except_user: int) -> bool:
    """Whether another active account has this name (compared without case)."""
    found = await conn.execute(
        select(users.c.id)
        .where(func.lower(users.c.name) == name.lower())
        .where(users.c.id != except_user)
        .where(users.c.account_status == ACCOUNT_ACTIVE)
        .limit(1)
    )
    return found.first() is not None


async def search_users(
    conn: AsyncConnection, *, name: str | None, phone: str | None, limit: int
) -> list[int]:
    """Active accounts whose name contains ``name`` (no case) or whose phone is ``phone``."""
    query = select(users.c.id).where(users.c.account_status == ACCOUNT_ACTIVE)
    if phone is not None:
        query = query.join(rest_profiles, rest_profiles.c.user_id == users.c.id).where(
            rest_profiles.c.phone == phone
        )
    if name is not None:
        query = query.where(func.lower(users.c.name).contains(name.lower(), autoescape=True))
    rows = await conn.execute(query.order_by(users.c.id).limit(limit))
    return [int(r[0]) for r in rows]


async def search_groups(conn: AsyncConnection, name: str, limit: int) -> list[RowMapping]:
    """Group sessions whose name contains ``name`` (no case), with their member count."""
    count = (
        select(func.count())
        .where(session_members.c.session_id == sessions.c.id)
        .correlate(sessions)
        .scalar_subquery()
    )
    rows = await conn.execute(
        select(sessions.c.id, sessions.c.name, count.label("members"))
        .where(sessions.c.is_private.is_(False))
        .where(func.lower(sessions.c.name).contains(name.lower(), autoescape=True))
        .order_by(sessions.c.id)
        .limit(limit)
    )
    return [r._mapping for r in rows]


async def push_cursor(conn: AsyncConnection, user_id: int) -> tuple[int, int] | None:
    """``(msg_id, time_us)`` of the last acknowledged push, or None before the first."""
    row = (
        await conn.execute(select(rest_push_cursors).where(rest_push_cursors.c.user_id == user_id))
    ).first()
    return (int(row.msg_id), int(row.time_us)) if row is not None else None


async def set_push_cursor(conn: AsyncConnection, user_id: int, msg_id: int, time_us: int) -> None:
    """Move the acknowledged position forward (never back)."""
    current = await push_cursor(conn, user_id)
    if current is None:
        await conn.execute(
            rest_push_cursors.insert().values(user_id=user_id, msg_id=msg_id, time_us=time_us)
        )
    elif msg_id > current[0]:
        await conn.execute(
            rest_push_cursors.update()
            .where(rest_push_cursors.c.user_id == user_id)
            .values(msg_id=msg_id, time_us=time_us)
        )
