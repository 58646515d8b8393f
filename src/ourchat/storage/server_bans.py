"""Queries on server-wide bans (``server_bans``), always judged against a given time."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.engine import upsert
from ourchat.storage.tables import INT64_MAX, server_bans, users


def _in_force(now_us: int) -> ColumnElement[bool]:
    return or_(server_bans.c.expires_at.is_(None), server_bans.c.expires_at > now_us)


async def account_check(
    conn: AsyncConnection, user_id: int, now_us: int
) -> tuple[int | None, bool]:
    """``(account_status or None if no such user, banned now)`` in one read."""
    if not 0 <= user_id <= INT64_MAX:
        return None, False
    row = (
        await conn.execute(
            select(users.c.account_status, server_bans.c.expires_at, server_bans.c.user_id)
            .select_from(users.outerjoin(server_bans, server_bans.c.user_id == users.c.id))
            .where(users.c.id == user_id)
        )
    ).first()
    if row is None:
        return None, False
    banned = row[2] is not None and (row[1] is None or int(row[1]) > now_us)
    return int(row[0]), banned


async def is_banned(conn: AsyncConnection, user_id: int, now_us: int) -> bool:
    """Whether a ban of ``user_id`` is in force at ``now_us``."""
    if not 0 <= user_id <= INT64_MAX:
        return False
    found = await conn.execute(
        select(server_bans.c.user_id).where(server_bans.c.user_id == user_id, _in_force(now_us))
    )
    return found.first() is not None


async def put(
    conn: AsyncConnection,
    user_id: int,
    *,
    reason: str | None,
    banned_by: int | None,
    now_us: int,
    expires_at: int | None,
) -> None:
    """Ban ``user_id`` (a new ban replaces an earlier one)."""
    await conn.execute(
        upsert(
            conn,
            server_bans,
            ("user_id",),
            user_id=user_id,
            reason=reason,
            banned_by=banned_by,
            created_at=now_us,
            expires_at=expires_at,
        )
    )


async def lift(conn: AsyncConnection, user_id: int, now_us: int) -> bool:
    """Remove the ban of ``user_id``; returns whether one was in force (expired ones go too)."""
    if not 0 <= user_id <= INT64_MAX:
        return False
    in_force = await is_banned(conn, user_id, now_us)
    await conn.execute(delete(server_bans).where(server_bans.c.user_id == user_id))
    return in_force


async def banned_among(conn: AsyncConnection, user_ids: list[int], now_us: int) -> set[int]:
    """The subset of ``user_ids`` banned at ``now_us``."""
    if not user_ids:
        return set()
    rows = await conn.execute(
        select(server_bans.c.user_id).where(
            and_(server_bans.c.user_id.in_(user_ids), _in_force(now_us))
        )
    )
    return {int(r[0]) for r in rows}
