"""Queries on pending session invitations (``session_invitations``) and join requests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, and_, delete
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.engine import upsert
from ourchat.storage.tables import join_requests, session_invitations


@dataclass(frozen=True, slots=True)
class Invitation:
    """A pending invitation of ``invitee_id`` into ``session_id``, sent by ``inviter_id``."""

    session_id: int
    inviter_id: int
    invitee_id: int
    leave_message: str | None
    created_at: int
    expires_at: int


@dataclass(frozen=True, slots=True)
class JoinRequest:
    """A pending request of ``user_id`` to join ``session_id``."""

    session_id: int
    user_id: int
    leave_message: str | None
    created_at: int
    expires_at: int


def _pending(table: Table, user_column: str, session_id: int, user_id: int) -> Any:
    """The WHERE clause naming one pending row: a session and the user it is about."""
    return and_(table.c.session_id == session_id, table.c[user_column] == user_id)


async def _take(
    conn: AsyncConnection,
    table: Table,
    user_column: str,
    session_id: int,
    user_id: int,
    now_us: int,
) -> Mapping[str, Any] | None:
    """Delete and return one pending row unless it expired; one of two concurrent callers wins."""
    row = (
        await conn.execute(
            delete(table)
            .where(_pending(table, user_column, session_id, user_id), table.c.expires_at > now_us)
            .returning(*table.c)
        )
    ).first()
    return dict(row._mapping) if row is not None else None


async def _remove(
    conn: AsyncConnection, table: Table, user_column: str, session_id: int, user_id: int
) -> None:
    """Delete one pending row, expired or not."""
    await conn.execute(delete(table).where(_pending(table, user_column, session_id, user_id)))


# Invitations ---------------------------------------------------------------------------------


async def put_invitation(
    conn: AsyncConnection,
    *,
    session_id: int,
    inviter_id: int,
    invitee_id: int,
    leave_message: str | None,
    now_us: int,
    expires_at: int,
) -> None:
    """Record an invitation, replacing an earlier one of the same invitee to the same session."""
    await conn.execute(
        upsert(
            conn,
            session_invitations,
            ("session_id", "invitee_id"),
            session_id=session_id,
            inviter_id=inviter_id,
            invitee_id=invitee_id,
            leave_message=leave_message,
            created_at=now_us,
            expires_at=expires_at,
        )
    )


async def take_invitation(
    conn: AsyncConnection, session_id: int, invitee_id: int, now_us: int
) -> Invitation | None:
    """Consume the invitation of ``invitee_id`` into ``session_id`` unless it expired by ``now_us``.

    The row is deleted and returned; of two concurrent callers only one gets it.
    """
    m = await _take(conn, session_invitations, "invitee_id", session_id, invitee_id, now_us)
    if m is None:
        return None
    return Invitation(
        session_id=int(m["session_id"]),
        inviter_id=int(m["inviter_id"]),
        invitee_id=int(m["invitee_id"]),
        leave_message=m["leave_message"],
        created_at=int(m["created_at"]),
        expires_at=int(m["expires_at"]),
    )


async def remove_invitation(conn: AsyncConnection, session_id: int, invitee_id: int) -> None:
    """Delete the invitation of ``invitee_id`` into ``session_id`` (expired or not)."""
    await _remove(conn, session_invitations, "invitee_id", session_id, invitee_id)


# Join requests -------------------------------------------------------------------------------


async def put_join_request(
    conn: AsyncConnection,
    *,
    session_id: int,
    user_id: int,
    leave_message: str | None,
    now_us: int,
    expires_at: int,
) -> None:
    """Record a request to join, replacing (and so refreshing) an earlier one of the same user."""
    await conn.execute(
        upsert(
            conn,
            join_requests,
            ("session_id", "user_id"),
            session_id=session_id,
            user_id=user_id,
            leave_message=leave_message,
            created_at=now_us,
            expires_at=expires_at,
        )
    )


async def take_join_request(
    conn: AsyncConnection, session_id: int, user_id: int, now_us: int
) -> JoinRequest | None:
    """Consume the request of ``user_id`` to join ``session_id`` unless it expired by ``now_us``.

    The row is deleted and returned; of two concurrent callers only one gets it.
    """
    m = await _take(conn, join_requests, "user_id", session_id, user_id, now_us)
    if m is None:
        return None
    return JoinRequest(
        session_id=int(m["session_id"]),
        user_id=int(m["user_id"]),
        leave_message=m["leave_message"],
        created_at=int(m["created_at"]),
        expires_at=int(m["expires_at"]),
    )


async def remove_join_request(conn: AsyncConnection, session_id: int, user_id: int) -> None:
    """Delete the request of ``user_id`` to join ``session_id`` (expired or not)."""
    await _remove(conn, join_requests, "user_id", session_id, user_id)
