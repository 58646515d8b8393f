"""Queries behind ListUsers and ListSessions: filters, counts and pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, false, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.ids import PredefinedRole
from ourchat.storage.tables import session_members, sessions, user_last_seen, users


def _contains(column: Any, text: str) -> Any:
    """Case-insensitive substring match, with LIKE's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


@dataclass(frozen=True)
class UserFilter:
    """ListUsers filters; every one given must hold."""

    account_status: int | None = None
    email: str | None = None
    user_name: str | None = None
    registered_after: int | None = None
    registered_before: int | None = None


@dataclass(frozen=True)
class UserRow:
    """One user in a ListUsers page."""

    id: int
    ocid: str
    email: str
    name: str
    account_status: int
    register_time: int
    last_seen: int | None
    sessions_count: int


def _user_conditions(f: UserFilter) -> list[Any]:
    conditions: list[Any] = []
    if f.account_status is not None:
        conditions.append(users.c.account_status == f.account_status)
    if f.email:
        conditions.append(_contains(users.c.email, f.email))
    if f.user_name:
        conditions.append(_contains(users.c.name, f.user_name))
    if f.registered_after is not None:
        conditions.append(users.c.register_time > f.registered_after)
    if f.registered_before is not None:
        conditions.append(users.c.register_time < f.registered_before)
    return conditions


async def users_page(
    conn: AsyncConnection, f: UserFilter, *, offset: int, limit: int
) -> tuple[int, Sequence[UserRow]]:
    """``(count of all matches, the page of them ordered by id)``."""
    conditions = _user_conditions(f)
    total = int(
        (
            await conn.execute(select(func.count()).select_from(users).where(*conditions))
        ).scalar_one()
    )
    memberships = (
        select(func.count())
        .select_from(session_members)
        .where(session_members.c.user_id == users.c.id)
        .scalar_subquery()
    )
    rows = await conn.execute(
        select(
            users.c.id,
            users.c.ocid,
            users.c.email,
            users.c.name,
            users.c.account_status,
            users.c.register_time,
            user_last_seen.c.last_seen,
            memberships,
        )
        .select_from(users.outerjoin(user_last_seen, user_last_seen.c.user_id == users.c.id))
        .where(*conditions)
        .order_by(users.c.id)
        .offset(offset)
        .limit(limit)
    )
    page = [
        UserRow(
            id=int(r[0]),
            ocid=str(r[1]),
            email=str(r[2]),
            name=str(r[3]),
            account_status=int(r[4]),
            register_time=int(r[5]),
            last_seen=int(r[6]) if r[6] is not None else None,
            sessions_count=int(r[7]),
        )
        for r in rows
    ]
    return total, page


@dataclass(frozen=True)
class SessionFilter:
    """ListSessions filters; every one given must hold. ``private`` None: any type."""

    private: bool | None = None
    none_match: bool = False
    name: str | None = None
    created_after: int | None = None
    created_before: int | None = None
    owner_id: int | None = None
    min_members: int | None = None
    max_members: int | None = None


@dataclass(frozen=True)
class SessionRow:
    """One session in a ListSessions page."""

    id: int
    name: str
    avatar_key: str | None
    description: str | None
    created_time: int
    updated_time: int
    is_private: bool
    size: int


async def sessions_page(
    conn: AsyncConnection, f: SessionFilter, *, offset: int, limit: int
) -> tuple[int, Sequence[SessionRow]]:
    """``(count of all matches, the page of them ordered by id)``."""
    size = (
        select(func.count())
        .select_from(session_members)
        .where(session_members.c.session_id == sessions.c.id)
        .scalar_subquery()
    )
    conditions: list[Any] = []
    if f.none_match:
        conditions.append(false())
    if f.private is not None:
        conditions.append(sessions.c.is_private.is_(f.private))
    if f.name:
        conditions.append(_contains(sessions.c.name, f.name))
    if f.created_after is not None:
        conditions.append(sessions.c.created_time > f.created_after)
    if f.created_before is not None:
        conditions.append(sessions.c.created_time < f.created_before)
    if f.owner_id is not None:
        owner = session_members.alias("owner")
        conditions.append(
            exists().where(
                and_(
                    owner.c.session_id == sessions.c.id,
                    owner.c.user_id == f.owner_id,
                    owner.c.role_id == int(PredefinedRole.OWNER),
                )
            )
        )
    if f.min_members is not None:
        conditions.append(size >= f.min_members)
    if f.max_members is not None:
        conditions.append(size <= f.max_members)
    total = int(
        (
            await conn.execute(select(func.count()).select_from(sessions).where(*conditions))
        ).scalar_one()
    )
    rows = await conn.execute(
        select(
            sessions.c.id,
            sessions.c.name,
            sessions.c.avatar_key,
            sessions.c.description,
            sessions.c.created_time,
            sessions.c.updated_time,
            sessions.c.is_private,
            size,
        )
        .where(*conditions)
        .order_by(sessions.c.id)
        .offset(offset)
        .limit(limit)
    )
    page = [
        SessionRow(
            id=int(r[0]),
            name=str(r[1]),
            avatar_key=r[2],
            description=r[3],
            created_time=int(r[4]),
            updated_time=int(r[5]),
            is_private=bool(r[6]),
            size=int(r[7]),
        )
        for r in rows
    ]
    return total, page


async def member_roles_of(
    conn: AsyncConnection, session_ids: list[int]
) -> dict[int, list[tuple[int, int]]]:
    """``session_id → [(user_id, role_id)]`` (by user id) for several sessions at once."""
    result: dict[int, list[tuple[int, int]]] = {sid: [] for sid in session_ids}
    if not session_ids:
        return result
    rows = await conn.execute(
        select(session_members.c.session_id, session_members.c.user_id, session_members.c.role_id)
        .where(session_members.c.session_id.in_(session_ids))
        .order_by(session_members.c.session_id, session_members.c.user_id)
    )
    for sid, uid, role in rows:
        result[int(sid)].append((int(uid), int(role)))
    return result
