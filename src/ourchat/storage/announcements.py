"""Queries on ``announcements`` (the server announcements behind their stored events)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.tables import announcements, events


async def insert(
    conn: AsyncConnection,
    *,
    msg_id: int,
    publisher_id: int,
    title: str,
    content: str,
    created_at: int,
) -> None:
    """Record the announcement stored as event ``msg_id``."""
    await conn.execute(
        announcements.insert().values(
            msg_id=msg_id,
            publisher_id=publisher_id,
            title=title,
            content=content,
            created_at=created_at,
        )
    )


async def published_by(
    conn: AsyncConnection, publisher_id: int
) -> Sequence[tuple[int, str, str, int]]:
    """``(msg_id, title, content, created_at)`` of every announcement ``publisher_id`` made."""
    rows = await conn.execute(
        select(
            announcements.c.msg_id,
            announcements.c.title,
            announcements.c.content,
            announcements.c.created_at,
        ).where(announcements.c.publisher_id == publisher_id)
    )
    return [(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


async def replace_payload(conn: AsyncConnection, msg_id: int, payload: bytes) -> None:
    """Change what the stored event ``msg_id`` replays."""
    await conn.execute(update(events).where(events.c.msg_id == msg_id).values(payload=payload))
