"""Queries on friendships (``friends``), contact names (``contacts``) and ``friend_requests``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.engine import upsert
from ourchat.storage.tables import contacts, friend_requests, friends


@dataclass(frozen=True, slots=True)
class FriendRequest:
    """A pending request from ``inviter_id`` to ``invitee_id``."""

    inviter_id: int
    invitee_id: int
    leave_message: str | None
    display_name: str | None
    created_at: int
    expires_at: int


# Friendships ---------------------------------------------------------------------------------


async def friend_session(conn: AsyncConnection, user_id: int, friend_id: int) -> int | None:
    """The private session of the friendship ``user_id`` → ``friend_id``.

    Returns:
        The session id, ``0`` for a friend row without a session, or None when there is no
        friend row.
    """
    row = (
        await conn.execute(
            select(friends.c.session_id).where(
                friends.c.user_id == user_id, friends.c.friend_id == friend_id
            )
        )
    ).first()
    if row is None:
        return None
    return int(row[0]) if row[0] is not None else 0


async def are_friends(conn: AsyncConnection, user_id: int, friend_id: int) -> bool:
    """Whether ``user_id`` has a friend row to ``friend_id``."""
    return await friend_session(conn, user_id, friend_id) is not None


async def count_friends(conn: AsyncConnection, user_id: int) -> int:
    """How many friends ``user_id`` has."""
    return int(
        (await conn.execute(select(func.count()).where(friends.c.user_id == user_id))).scalar_one()
    )


async def friend_ids(conn: AsyncConnection, user_id: int) -> list[int]:
    """Ids of ``user_id``'s friends, ascending."""
    rows = await conn.execute(
        select(friends.c.friend_id)
        .where(friends.c.user_id == user_id)
        .order_by(friends.c.friend_id)
    )
    return [int(r[0]) for r in rows]


async def add_pair(conn: AsyncConnection, a: int, b: int, session_id: int) -> None:
    """Insert both friend rows (a → b and b → a) sharing ``session_id``."""
    await conn.execute(
        friends.insert(),
        [
            {"user_id": a, "friend_id": b, "session_id": session_id},
            {"user_id": b, "friend_id": a, "session_id": session_id},
        ],
    )


async def remove_pair(conn: AsyncConnection, a: int, b: int) -> None:
    """Delete both friend rows between ``a`` and ``b`` (whichever exist)."""
    await conn.execute(
        delete(friends).where(
            or_(
                and_(friends.c.user_id == a, friends.c.friend_id == b),
                and_(friends.c.user_id == b, friends.c.friend_id == a),
            )
        )
    )


# Contact names -------------------------------------------------------------------------------


async def set_contact_name(
    conn: AsyncConnection, user_id: int, contact_user_id: int, display_name: str | None
) -> None:
    """Create or overwrite ``user_id``'s name for ``contact_user_id``."""
    await conn.execute(
        upsert(
            conn,
            contacts,
            ("user_id", "contact_user_id"),
            user_id=user_id,
            contact_user_id=contact_user_id,
            display_name=display_name,
        )
    )


async def ensure_contact(conn: AsyncConnection, user_id: int, contact_user_id: int) -> None:
    """Create ``user_id``'s contact entry for ``contact_user_id`` without a name, if absent."""
    await conn.execute(
        upsert(
            conn,
            contacts,
            ("user_id", "contact_user_id"),
            user_id=user_id,
            contact_user_id=contact_user_id,
        )
    )


async def contact_name(conn: AsyncConnection, user_id: int, contact_user_id: int) -> str | None:
    """``user_id``'s name for ``contact_user_id``, or None if unnamed or no entry."""
    value = (
        await conn.execute(
            select(contacts.c.display_name).where(
                contacts.c.user_id == user_id, contacts.c.contact_user_id == contact_user_id
            )
        )
    ).scalar_one_or_none()
    return str(value) if value is not None else None


# Friend requests -----------------------------------------------------------------------------


async def put_request(
    conn: AsyncConnection,
    *,
    inviter_id: int,
    invitee_id: int,
    leave_message: str | None,
    display_name: str | None,
    now_us: int,
    expires_at: int,
) -> None:
    """Record a pending request, replacing (and so refreshing) an earlier one of the pair."""
    await conn.execute(
        upsert(
            conn,
            friend_requests,
            ("inviter_id", "invitee_id"),
            inviter_id=inviter_id,
            invitee_id=invitee_id,
            leave_message=leave_message,
            display_name=display_name,
            created_at=now_us,
            expires_at=expires_at,
        )
    )


async def get_request(
    conn: AsyncConnection, inviter_id: int, invitee_id: int
) -> FriendRequest | None:
    """The request from ``inviter_id`` to ``invitee_id`` (expired or not), or None."""
    row = (
        await conn.execute(
            select(friend_requests).where(
                friend_requests.c.inviter_id == inviter_id,
                friend_requests.c.invitee_id == invitee_id,
            )
        )
    ).first()
    if row is None:
        return None
    m = row._mapping
    return FriendRequest(
        inviter_id=int(m["inviter_id"]),
        invitee_id=int(m["invitee_id"]),
        leave_message=m["leave_message"],
        display_name=m["display_name"],
        created_at=int(m["created_at"]),
        expires_at=int(m["expires_at"]),
    )


async def remove_requests_between(conn: AsyncConnection, a: int, b: int) -> None:
    """Delete the pending requests between ``a`` and ``b`` in both directions."""
    await conn.execute(
        delete(friend_requests).where(
            or_(
                and_(friend_requests.c.inviter_id == a, friend_requests.c.invitee_id == b),
                and_(friend_requests.c.inviter_id == b, friend_requests.c.invitee_id == a),
            )
        )
    )


async def remove_request(conn: AsyncConnection, inviter_id: int, invitee_id: int) -> None:
    """Delete the request from ``inviter_id`` to ``invitee_id``."""
    await conn.execute(
        delete(friend_requests).where(
            friend_requests.c.inviter_id == inviter_id,
            friend_requests.c.invitee_id == invitee_id,
        )
    )
