"""Queries on ``user_last_seen``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.engine import greatest
from ourchat.storage.tables import user_last_seen, users


async def record(conn: AsyncConnection, seen: Mapping[int, int]) -> None:
    """Store ``user_id → time`` for the accounts that still exist (never moving a time back)."""
    existing = await conn.execute(select(users.c.id).where(users.c.id.in_(list(seen))))
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    for (user_id,) in existing:
        stmt: Any = dialect_insert(user_last_seen).values(
            user_id=user_id, last_seen=seen[int(user_id)]
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["user_id"],
            set_={"last_seen": greatest(conn, user_last_seen.c.last_seen, stmt.excluded.last_seen)},
        )
        await conn.execute(stmt)
