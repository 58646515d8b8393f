"""Queries on ``users``: accounts, credentials, profile fields and the login-failure counter."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, delete, or_, select, true, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.tables import (
    INT64_MAX,
    contacts,
    friend_requests,
    friends,
    join_requests,
    session_invitations,
    users,
)


def _storable(user_id: int) -> bool:
    """Whether an id from the wire (uint64) fits the signed 64-bit column at all."""
    return 0 <= user_id <= INT64_MAX


async def account_status(conn: AsyncConnection, user_id: int) -> int | None:
    """The account status of ``user_id`` (0 active, 1 deleted), or None if there is no such user."""
    if not _storable(user_id):
        return None
    value = (
        await conn.execute(select(users.c.account_status).where(users.c.id == user_id))
    ).scalar_one_or_none()
    return int(value) if value is not None else None


async def get(conn: AsyncConnection, user_id: int) -> RowMapping | None:
    """Every column of one user, or None."""
    if not _storable(user_id):
        return None
    row = (await conn.execute(select(users).where(users.c.id == user_id))).first()
    return row._mapping if row is not None else None


async def find_by(
    conn: AsyncConnection, *, email: str | None = None, ocid: str | None = None
) -> RowMapping | None:
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


async def public_keys(conn: AsyncConnection, user_ids: list[int]) -> dict[int, bytes]:
    """The registered public keys of those of ``user_ids`` that exist."""
    if not user_ids:
        return {}
    rows = await conn.execute(
        select(users.c.id, users.c.public_key).where(users.c.id.in_(user_ids))
    )
    return {int(r[0]): bytes(r[1]) for r in rows}


async def reserve_login_attempt(
    conn: AsyncConnection, user_id: int, *, now_us: int, window_us: int, limit: int
) -> bool:
    """Count one password attempt in the lock window, unless the account is locked.

    In one atomic ``UPDATE``: a window that has passed (or never started) restarts at this
    attempt with a count of 1; otherwise the count grows by one, but only while it is below
    ``limit`` (``limit`` 0: never locked). Concurrent attempts therefore can never get past
    the limit. A successful login clears the count with :func:`clear_failed_logins`.

    Returns:
        False when the account is locked (nothing was counted).
    """
    window_over = or_(
        users.c.failed_login_since.is_(None), users.c.failed_login_since <= now_us - window_us
    )
    allowed = or_(window_over, users.c.failed_logins < limit) if limit > 0 else true()
    result = await conn.execute(
        update(users)
        .where(and_(users.c.id == user_id, allowed))
        .values(
            failed_logins=case((window_over, 1), else_=users.c.failed_logins + 1),
            failed_login_since=case((window_over, now_us), else_=users.c.failed_login_since),
        )
    )
    return bool(result.rowcount)


async def clear_failed_logins(conn: AsyncConnection, user_id: int) -> None:
    """Forget the password attempts counted so far (after a successful login)."""
    await conn.execute(
        update(users).where(users.c.id == user_id).values(failed_logins=0, failed_login_since=None)
    )


async def friend_ids(conn: AsyncConnection, user_id: int) -> list[int]:
    """Ids of ``user_id``'s friends (their rows in ``friends``), ascending."""
    rows = await conn.execute(
        select(friends.c.friend_id)
        .where(friends.c.user_id == user_id)
        .order_by(friends.c.friend_id)
    )
    return [int(r[0]) for r in rows]


async def contact_display_name(
    conn: AsyncConnection, user_id: int, contact_user_id: int
) -> str | None:
    """The name ``user_id`` gave ``contact_user_id`` (SetFriendInfo), or None if none."""
    value = (
        await conn.execute(
            select(contacts.c.display_name).where(
                contacts.c.user_id == user_id, contacts.c.contact_user_id == contact_user_id
            )
        )
    ).scalar_one_or_none()
    return str(value) if value is not None else None


async def remove_pending_requests(conn: AsyncConnection, user_id: int) -> None:
    """Drop friend requests, session invitations and join requests from or to ``user_id``.

    These are the pending rows that deleting the user row would cascade away; a disabled
    account keeps its row, so they are removed explicitly.
    """
    await conn.execute(
        delete(friend_requests).where(
            or_(friend_requests.c.inviter_id == user_id, friend_requests.c.invitee_id == user_id)
        )
    )
    await conn.execute(
        delete(session_invitations).where(
            or_(
                session_invitations.c.inviter_id == user_id,
                session_invitations.c.invitee_id == user_id,
            )
        )
    )
    await conn.execute(delete(join_requests).where(join_requests.c.user_id == user_id))
