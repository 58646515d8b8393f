"""Mutes and bans (tables ``mutes`` and ``bans``): per user or session-wide, optionally timed."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Table, delete, exists, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.tables import bans, mutes

__all__ = ["active", "bans", "in_force", "in_force_at", "lift", "mutes", "place"]


def in_force_at(table: Table, now_us: int | ColumnElement[int]) -> ColumnElement[bool]:
    """SQL: the row's restriction is permanent or has not expired by ``now_us`` (or a bound
    parameter)."""
    return or_(table.c.expires_at.is_(None), table.c.expires_at > now_us)


def _target(table: Table, user_id: int | None) -> ColumnElement[bool]:
    return table.c.user_id.is_(None) if user_id is None else table.c.user_id == user_id


async def active(
    conn: AsyncConnection, table: Table, session_id: int, user_id: int, now_us: int
) -> bool:
    """Whether ``user_id`` is restricted in the session, personally or session-wide, right now."""
    query = select(
        exists().where(
            table.c.session_id == session_id,
            or_(table.c.user_id == user_id, table.c.user_id.is_(None)),
            in_force_at(table, now_us),
        )
    )
    return bool((await conn.execute(query)).scalar())


async def place(
    conn: AsyncConnection,
    table: Table,
    session_id: int,
    user_id: int | None,
    now_us: int,
    expires_at_us: int | None,
) -> None:
    """Restrict ``user_id`` (None: everyone) until ``expires_at_us`` (None: for good)."""
    await conn.execute(
        delete(table).where(table.c.session_id == session_id, _target(table, user_id))
    )
    await conn.execute(
        insert(table).values(
            session_id=session_id, user_id=user_id, created_at=now_us, expires_at=expires_at_us
        )
    )


async def lift(
    conn: AsyncConnection, table: Table, session_id: int, user_id: int | None, now_us: int
) -> bool:
    """Remove a restriction; returns whether one was in force."""
    was_live = bool(
        (
            await conn.execute(
                select(
                    exists().where(
                        table.c.session_id == session_id,
                        _target(table, user_id),
                        in_force_at(table, now_us),
                    )
                )
            )
        ).scalar()
    )
    await conn.execute(
        delete(table).where(table.c.session_id == session_id, _target(table, user_id))
    )
    return was_live


async def in_force(
    conn: AsyncConnection,
    table: Table,
    session_id: int,
    targets: list[int | None],
    now_us: int,
) -> set[int | None]:
    """Which of ``targets`` (None: the session-wide row) have their own restriction in force."""
    wanted = [t for t in targets if t is not None]
    conditions = []
    if wanted:
        conditions.append(table.c.user_id.in_(wanted))
    if None in targets:
        conditions.append(table.c.user_id.is_(None))
    if not conditions:
        return set()
    rows = await conn.execute(
        select(table.c.user_id).where(
            table.c.session_id == session_id, or_(*conditions), in_force_at(table, now_us)
        )
    )
    return {int(r[0]) if r[0] is not None else None for r in rows}
