"""Queries on ``users``: accounts, credentials, profile fields and the login-failure counter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.tables import users


async def account_status(conn: AsyncConnection, user_id: int) -> int | None:
    """The account status of ``user_id`` (0 active, 1 deleted), or None if there is no such user."""
    value = (
        await conn.execute(select(users.c.account_status).where(users.c.id == user_id))
    ).scalar_one_or_none()
    return int(value) if value is not None else None


async def get(conn: AsyncConnection, user_id: int) -> Mapping[str, Any] | None:
    """Every column of one user, or None."""
    row = (await conn.execute(select(users).where(users.c.id == user_id))).first()
    return row._mapping if row is not None else None


async def find_by(
    conn: AsyncConnection, *, email: str | None = None, ocid: str | None = None
) -> Mapping[str, Any] | None:
    """The user with exactly this email or ocid, or None."""
    column, value = (users.c.email, email) if email is not None else (users.c.ocid, ocid)
    row = (await conn.execute(select(users).where(column == value))).first()
    return row._mapping if row is not None else None


async def exists(conn: AsyncConnection, user_id: int) -> bool:
    """Whether a user row with this id exists (active or not)."""
    return await account_status(conn, user_id) is not None


async def existing_ids(conn: AsyncConnection, user_ids: list[int]) -> set[int]:
    """The subset of ``user_ids`` that name existing users."""
    if not user_ids:
        return set()
    rows = await conn.execute(select(users.c.id).where(users.c.id.in_(user_ids)))
    return {int(r[0]) for r in rows}


async def insert(conn: AsyncConnection, **values: Any) -> None:
    """Insert a user row."""
    await conn.execute(users.insert().values(**values))


async def set_fields(conn: AsyncConnection, user_id: int, **values: Any) -> None:
    """Update some columns of one user."""
    await conn.execute(update(users).where(users.c.id == user_id).values(**values))


async def remove(conn: AsyncConnection, user_id: int) -> None:
    """Delete the user row (relations cascade)."""
    await conn.execute(delete(users).where(users.c.id == user_id))


async def public_key(conn: AsyncConnection, user_id: int) -> bytes:
    """The user's public key bytes (empty if the user is gone)."""
    value = (
        await conn.execute(select(users.c.public_key).where(users.c.id == user_id))
    ).scalar_one_or_none()
    return bytes(value) if value is not None else b""


async def add_failed_login(conn: AsyncConnection, user_id: int) -> None:
    """Count one more wrong password within the current lock window."""
    await conn.execute(
        update(users).where(users.c.id == user_id).values(failed_logins=users.c.failed_logins + 1)
    )
