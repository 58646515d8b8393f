"""The server's identity rows (``server_info``): created once, read by every process."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.engine import insert_if_absent
from ourchat.storage.tables import server_info


async def get_all(conn: AsyncConnection) -> dict[str, str]:
    """Every key/value of ``server_info``."""
    rows = await conn.execute(select(server_info.c.key, server_info.c.value))
    return {str(k): str(v) for k, v in rows}


async def insert_missing(conn: AsyncConnection, values: dict[str, str]) -> None:
    """Insert keys that are not there yet; existing values win (first process to start)."""
    for key, value in values.items():
        await conn.execute(insert_if_absent(conn, server_info, ("key",), key=key, value=value))
