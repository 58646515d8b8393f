"""Failed logins counted per (account, client address): the ``login_failures`` rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, delete, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.tables import login_failures

#: The longest client address kept (an IPv6 address with a zone fits).
MAX_ADDRESS = 64


async def reserve(
    conn: AsyncConnection, user_id: int, address: str, *, now_us: int, window_us: int, limit: int
) -> bool:
    """Count one password attempt on ``user_id`` from ``address``, unless that pair is locked.

    The rule of the account's own counter (:func:`ourchat.storage.users.reserve_login_attempt`)
    in one atomic statement: a window that has passed (or never started) restarts at this
    attempt with a count of 1; otherwise the count grows by one while it is below ``limit``
    (0: never locked). Rows whose window is over are removed first, so the table never holds
    more than one window's attempts.

    Returns:
        False when the pair is locked (nothing was counted).
    """
    table = login_failures
    await conn.execute(delete(table).where(table.c.since <= now_us - window_us))
    window_over = table.c.since <= now_us - window_us
    allowed = or_(window_over, table.c.failures < limit) if limit > 0 else true()
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt: Any = dialect_insert(table).values(
        user_id=user_id, address=address[:MAX_ADDRESS], failures=1, since=now_us
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["user_id", "address"],
        set_={
            "failures": case((window_over, 1), else_=table.c.failures + 1),
            "since": case((window_over, now_us), else_=table.c.since),
        },
        where=allowed,
    )
    result = await conn.execute(stmt)
    return bool(result.rowcount)


def _pair(user_id: int, address: str) -> Any:
    table = login_failures
    return and_(table.c.user_id == user_id, table.c.address == address[:MAX_ADDRESS])


async def clear(conn: AsyncConnection, user_id: int, address: str) -> None:
    """Forget the attempts on ``user_id`` from ``address`` (after a successful login there)."""
    await conn.execute(delete(login_failures).where(_pair(user_id, address)))


async def counted(conn: AsyncConnection, user_id: int, address: str) -> tuple[int, int | None]:
    """``(failures, since)`` of the pair; ``(0, None)`` when nothing is counted."""
    table = login_failures
    row = (
        await conn.execute(select(table.c.failures, table.c.since).where(_pair(user_id, address)))
    ).first()
    return (0, None) if row is None else (int(row[0]), int(row[1]))
