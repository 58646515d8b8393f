"""Queries on sessions, their members and the members' roles and permissions."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    Select,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.ids import Permission
from ourchat.storage import events as stored_events
from ourchat.storage.restrictions import in_force_at
from ourchat.storage.tables import (
    Int64,
    mutes,
    role_permissions,
    session_members,
    sessions,
    users,
)


async def create(
    conn: AsyncConnection,
    *,
    session_id: int,
    now_us: int,
    name: str = "",
    description: str | None = None,
    avatar_key: str | None = None,
    e2ee_on: bool = False,
    is_private: bool = False,
) -> None:
    """Insert a session row (no members yet)."""
    await conn.execute(
        insert(sessions).values(
            id=session_id,
            name=name,
            description=description,
            avatar_key=avatar_key,
            created_time=now_us,
            updated_time=now_us,
            default_role_id=1,
            e2ee_on=e2ee_on,
            room_key_time=now_us,
            leaving_to_process=False,
            is_private=is_private,
        )
    )


async def get(conn: AsyncConnection, session_id: int) -> Mapping[str, Any] | None:
    """Every column of one session, or None."""
    row = (await conn.execute(select(sessions).where(sessions.c.id == session_id))).first()
    return dict(row._mapping) if row is not None else None


async def set_fields(conn: AsyncConnection, session_id: int, **values: Any) -> None:
    """Update some columns of one session."""
    await conn.execute(update(sessions).where(sessions.c.id == session_id).values(**values))


async def switch_e2ee(conn: AsyncConnection, session_id: int, on: bool, now_us: int) -> bool:
    """Turn a session's end-to-end encryption on or off; returns False if it already was.

    Turning it on starts a new room key period (the caller is asked for a key).
    """
    values: dict[str, Any] = {"e2ee_on": on, "leaving_to_process": False}
    if on:
        values["room_key_time"] = now_us
    result = await conn.execute(
        update(sessions)
        .where(sessions.c.id == session_id, sessions.c.e2ee_on.is_(not on))
        .values(**values)
    )
    return bool(result.rowcount)


async def claim_key_rotation(
    conn: AsyncConnection, session_id: int, now_us: int, *, due_before_us: int | None
) -> bool:
    """Mark an e2ee session's room key as renewed now; returns whether this call did it.

    With ``due_before_us`` None the renewal is unconditional; otherwise it happens only when
    a member left since the last renewal or the key dates from before ``due_before_us``. The
    check and the write are one statement, so of two concurrent claims only one succeeds.
    """
    query = update(sessions).where(sessions.c.id == session_id, sessions.c.e2ee_on.is_(True))
    if due_before_us is not None:
        query = query.where(
            or_(
                sessions.c.leaving_to_process.is_(True),
                sessions.c.room_key_time < due_before_us,
            )
        )
    result = await conn.execute(query.values(room_key_time=now_us, leaving_to_process=False))
    return bool(result.rowcount)


async def remove(conn: AsyncConnection, session_id: int) -> None:
    """Delete a session; members, roles, events, invitations and files rows cascade."""
    await conn.execute(delete(sessions).where(sessions.c.id == session_id))


async def add_member(
    conn: AsyncConnection, session_id: int, user_id: int, role_id: int, now_us: int
) -> None:
    """Make ``user_id`` a member; they see the session's events from now on."""
    watermark = await stored_events.current_watermark(conn)
    await conn.execute(
        insert(session_members).values(
            session_id=session_id,
            user_id=user_id,
            role_id=role_id,
            joined_at=now_us,
            visible_after=watermark,
        )
    )
    await conn.execute(update(users).where(users.c.id == user_id).values(update_time=now_us))


async def remove_member(conn: AsyncConnection, session_id: int, user_id: int, now_us: int) -> bool:
    """End a membership (its role goes with it); returns whether there was one."""
    result = await conn.execute(
        delete(session_members).where(
            session_members.c.session_id == session_id, session_members.c.user_id == user_id
        )
    )
    await conn.execute(update(users).where(users.c.id == user_id).values(update_time=now_us))
    return bool(result.rowcount)


async def member_role(conn: AsyncConnection, session_id: int, user_id: int) -> int | None:
    """The role id of a current member, or None if ``user_id`` is not a member."""
    value = (
        await conn.execute(
            select(session_members.c.role_id).where(
                session_members.c.session_id == session_id, session_members.c.user_id == user_id
            )
        )
    ).scalar_one_or_none()
    return int(value) if value is not None else None


async def is_member(conn: AsyncConnection, session_id: int, user_id: int) -> bool:
    """Whether ``user_id`` is currently a member of ``session_id``."""
    return await member_role(conn, session_id, user_id) is not None


async def member_ids(conn: AsyncConnection, session_id: int) -> list[int]:
    """Current members, longest-standing first."""
    rows = await conn.execute(
        select(session_members.c.user_id)
        .where(session_members.c.session_id == session_id)
        .order_by(session_members.c.joined_at, session_members.c.user_id)
    )
    return [int(r[0]) for r in rows]


async def member_roles(conn: AsyncConnection, session_id: int) -> list[tuple[int, int]]:
    """``(user_id, role_id)`` of every current member, longest-standing first."""
    rows = await conn.execute(
        select(session_members.c.user_id, session_members.c.role_id)
        .where(session_members.c.session_id == session_id)
        .order_by(session_members.c.joined_at, session_members.c.user_id)
    )
    return [(int(r[0]), int(r[1])) for r in rows]


async def member_count(conn: AsyncConnection, session_id: int) -> int:
    """How many members the session has now."""
    return int(
        (
            await conn.execute(
                select(func.count()).where(session_members.c.session_id == session_id)
            )
        ).scalar_one()
    )


async def set_member_role(
    conn: AsyncConnection, session_id: int, user_id: int, role_id: int
) -> None:
    """Change a current member's role."""
    await conn.execute(
        update(session_members)
        .where(session_members.c.session_id == session_id, session_members.c.user_id == user_id)
        .values(role_id=role_id)
    )


async def sessions_of(conn: AsyncConnection, user_id: int) -> list[int]:
    """Ids of the sessions ``user_id`` is a member of."""
    rows = await conn.execute(
        select(session_members.c.session_id)
        .where(session_members.c.user_id == user_id)
        .order_by(session_members.c.session_id)
    )
    return [int(r[0]) for r in rows]


async def role_permissions_of(conn: AsyncConnection, role_id: int) -> frozenset[int]:
    """The permission ids a role grants."""
    rows = await conn.execute(
        select(role_permissions.c.permission_id).where(role_permissions.c.role_id == role_id)
    )
    return frozenset(int(r[0]) for r in rows)


@dataclass(frozen=True)
class SenderState:
    """What SendMsg needs to know about a member, read in one query."""

    role_id: int
    can_send: bool
    muted: bool
    e2ee_on: bool
    #: When the session's room key period began, and whether a member left since.
    room_key_time: int = 0
    leaving_to_process: bool = False


@functools.cache
def _sender_states_query() -> Select[Any]:
    """The query of :func:`sender_states`, built once: ``pairs`` and ``now_us`` are bound."""
    member = session_members
    now_us: BindParameter[int] = bindparam("now_us", type_=Int64())
    can_send = (
        select(role_permissions.c.role_id)
        .where(
            role_permissions.c.role_id == member.c.role_id,
            role_permissions.c.permission_id == int(Permission.SEND_MSG),
        )
        .exists()
    )
    muted = (
        select(mutes.c.id)
        .where(
            mutes.c.session_id == member.c.session_id,
            or_(mutes.c.user_id == member.c.user_id, mutes.c.user_id.is_(None)),
            in_force_at(mutes, now_us),
        )
        .exists()
    )
    return (
        select(member.c.session_id, member.c.user_id, member.c.role_id, can_send, muted)
        .add_columns(sessions.c.e2ee_on, sessions.c.room_key_time, sessions.c.leaving_to_process)
        .join_from(member, sessions, sessions.c.id == member.c.session_id)
        .where(
            tuple_(member.c.session_id, member.c.user_id).in_(bindparam("pairs", expanding=True))
        )
    )


async def sender_states(
    conn: AsyncConnection, pairs: Iterable[tuple[int, int]], now_us: int
) -> dict[tuple[int, int], SenderState]:
    """For each ``(session_id, user_id)`` that is a current membership, what SendMsg needs.

    One query answers a whole batch: the member's role, whether it may send, whether it is
    muted personally or session-wide right now, and the session's E2EE state. Pairs that are
    not memberships are absent from the result. The statement is built once, so a call only
    binds its values.
    """
    wanted = list(dict.fromkeys(pairs))
    if not wanted:
        return {}
    rows = await conn.execute(_sender_states_query(), {"pairs": wanted, "now_us": now_us})
    return {
        (int(r[0]), int(r[1])): SenderState(
            int(r[2]), bool(r[3]), bool(r[4]), bool(r[5]), int(r[6]), bool(r[7])
        )
        for r in rows
    }
