"""Queries on ``email_verifications`` (links sent by Verify) and the verified flag of users."""

from __future__ import annotations

from sqlalchemy import and_, delete, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.tables import email_verifications, users


async def insert(
    conn: AsyncConnection, *, token: str, email: str, created_at: int, expires_at: int
) -> None:
    """Record a link that is about to be mailed."""
    await conn.execute(
        email_verifications.insert().values(
            token=token, email=email, created_at=created_at, expires_at=expires_at
        )
    )


async def get(conn: AsyncConnection, token: str) -> RowMapping | None:
    """Every column of one link, or None."""
    row = (
        await conn.execute(select(email_verifications).where(email_verifications.c.token == token))
    ).first()
    return row._mapping if row is not None else None


async def confirm(conn: AsyncConnection, token: str, now_us: int) -> str | None:
    """Mark a link followed, if it exists, is unused and has not expired at ``now_us``.

    One conditional ``UPDATE``, so a link is confirmed at most once even when it is followed
    twice at the same moment, possibly through different processes.

    Returns:
        The e-mail address of the link, or None when nothing was confirmed.
    """
    table = email_verifications
    result = await conn.execute(
        update(table)
        .where(
            and_(
                table.c.token == token,
                table.c.confirmed_at.is_(None),
                table.c.expires_at > now_us,
            )
        )
        .values(confirmed_at=now_us)
    )
    if not result.rowcount:
        return None
    email = (
        await conn.execute(select(table.c.email).where(table.c.token == token))
    ).scalar_one_or_none()
    return str(email) if email is not None else None


async def remove(conn: AsyncConnection, token: str) -> None:
    """Forget one link."""
    await conn.execute(delete(email_verifications).where(email_verifications.c.token == token))


async def remove_expired(conn: AsyncConnection, before_us: int) -> None:
    """Forget every link that expired at or before ``before_us``."""
    await conn.execute(
        delete(email_verifications).where(email_verifications.c.expires_at <= before_us)
    )


async def mark_email_verified(conn: AsyncConnection, email: str) -> int:
    """Set ``email_verified`` on the account with exactly this address.

    Returns:
        How many accounts were marked (0 when no account uses the address).
    """
    result = await conn.execute(
        update(users).where(users.c.email == email).values(email_verified=True)
    )
    return int(result.rowcount)
