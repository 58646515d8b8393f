"""Queries on call rooms (``rooms``), their members (``room_members``) and invitations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.tables import INT64_MAX, room_invitations, room_members, rooms


def _storable(*ids: int) -> bool:
    """Whether ids from the wire (uint64) fit the signed 64-bit columns (others name nothing)."""
    return all(0 <= i <= INT64_MAX for i in ids)


@dataclass(frozen=True, slots=True)
class Room:
    """A live (not archived) room."""

    id: int
    title: str | None
    creator_id: int | None
    auto_delete: bool
    open_join: bool
    empty_since: int | None


@dataclass(frozen=True, slots=True)
class Member:
    """One member of a room."""

    user_id: int
    is_admin: bool
    in_call: bool


async def create(
    conn: AsyncConnection,
    *,
    room_id: int,
    title: str | None,
    creator_id: int,
    auto_delete: bool,
    open_join: bool,
    now_us: int,
) -> None:
    """Insert a room, empty since ``now_us``, with its creator as an admin not yet in the call."""
    await conn.execute(
        insert(rooms).values(
            id=room_id,
            title=title,
            creator_id=creator_id,
            auto_delete=auto_delete,
            open_join=open_join,
            created_at=now_us,
            empty_since=now_us,
        )
    )
    await add_member(conn, room_id, creator_id, is_admin=True, in_call=False, now_us=now_us)


async def get(conn: AsyncConnection, room_id: int, *, lock: bool = False) -> Room | None:
    """The live room ``room_id``, or None; ``lock``: locked until the transaction ends."""
    if not _storable(room_id):
        return None
    query = select(
        rooms.c.id,
        rooms.c.title,
        rooms.c.creator_id,
        rooms.c.auto_delete,
        rooms.c.open_join,
        rooms.c.empty_since,
    ).where(rooms.c.id == room_id, rooms.c.archived_at.is_(None))
    if lock:
        query = query.with_for_update()
    row = (await conn.execute(query)).first()
    if row is None:
        return None
    return Room(
        int(row.id),
        row.title,
        None if row.creator_id is None else int(row.creator_id),
        bool(row.auto_delete),
        bool(row.open_join),
        None if row.empty_since is None else int(row.empty_since),
    )


def _member_key(room_id: int, user_id: int) -> ColumnElement[bool]:
    return and_(room_members.c.room_id == room_id, room_members.c.user_id == user_id)


async def member(conn: AsyncConnection, room_id: int, user_id: int) -> Member | None:
    """The membership of ``user_id`` in the room, or None."""
    if not _storable(room_id, user_id):
        return None
    row = (
        await conn.execute(
            select(room_members.c.is_admin, room_members.c.in_call).where(
                _member_key(room_id, user_id)
            )
        )
    ).first()
    return None if row is None else Member(user_id, bool(row.is_admin), bool(row.in_call))


async def add_member(
    conn: AsyncConnection,
    room_id: int,
    user_id: int,
    *,
    is_admin: bool,
    in_call: bool,
    now_us: int,
) -> None:
    """Make ``user_id`` a member (who is not one yet)."""
    await conn.execute(
        insert(room_members).values(
            room_id=room_id, user_id=user_id, is_admin=is_admin, in_call=in_call, joined_at=now_us
        )
    )


async def update_member(
    conn: AsyncConnection,
    room_id: int,
    user_id: int,
    *,
    is_admin: bool | None = None,
    in_call: bool | None = None,
) -> None:
    """Change a member's admin right or call presence (the ones given)."""
    if not _storable(room_id, user_id):
        return
    values: dict[str, bool] = {}
    if is_admin is not None:
        values["is_admin"] = is_admin
    if in_call is not None:
        values["in_call"] = in_call
    if values:
        await conn.execute(
            update(room_members).where(_member_key(room_id, user_id)).values(**values)
        )


async def remove_member(conn: AsyncConnection, room_id: int, user_id: int) -> bool:
    """End the membership of ``user_id`` (admin right included); whether there was one."""
    if not _storable(room_id, user_id):
        return False
    result = await conn.execute(delete(room_members).where(_member_key(room_id, user_id)))
    return bool(result.rowcount)


async def member_ids(conn: AsyncConnection, room_id: int) -> list[int]:
    """Every member of the room, in the order they became members."""
    rows = await conn.execute(
        select(room_members.c.user_id)
        .where(room_members.c.room_id == room_id)
        .order_by(room_members.c.joined_at, room_members.c.user_id)
    )
    return [int(r[0]) for r in rows]


async def in_call_count(conn: AsyncConnection, room_id: int) -> int:
    """How many members are in the call."""
    return int(
        (
            await conn.execute(
                select(func.count())
                .select_from(room_members)
                .where(room_members.c.room_id == room_id, room_members.c.in_call.is_(True))
            )
        ).scalar_one()
    )


async def set_empty_since(conn: AsyncConnection, room_id: int, empty_since: int | None) -> None:
    """Record since when the room has been empty (None: someone is in the call)."""
    await conn.execute(update(rooms).where(rooms.c.id == room_id).values(empty_since=empty_since))


def _invitation_key(room_id: int, user_id: int) -> ColumnElement[bool]:
    return and_(room_invitations.c.room_id == room_id, room_invitations.c.user_id == user_id)


async def is_invited(conn: AsyncConnection, room_id: int, user_id: int) -> bool:
    """Whether ``user_id`` holds a pending invitation into the room."""
    if not _storable(room_id, user_id):
        return False
    row = (
        await conn.execute(
            select(room_invitations.c.user_id).where(_invitation_key(room_id, user_id))
        )
    ).first()
    return row is not None


async def add_invitation(
    conn: AsyncConnection, room_id: int, user_id: int, inviter_id: int, now_us: int
) -> None:
    """Record an invitation (the caller checked there is none)."""
    await conn.execute(
        insert(room_invitations).values(
            room_id=room_id, user_id=user_id, inviter_id=inviter_id, created_at=now_us
        )
    )


async def take_invitation(conn: AsyncConnection, room_id: int, user_id: int) -> bool:
    """Remove the invitation of ``user_id``; whether there was one."""
    if not _storable(room_id, user_id):
        return False
    result = await conn.execute(delete(room_invitations).where(_invitation_key(room_id, user_id)))
    return bool(result.rowcount)


async def empty_before(conn: AsyncConnection, before_us: int) -> list[tuple[int, bool]]:
    """Live rooms empty since before ``before_us``: (room id, auto_delete)."""
    rows = await conn.execute(
        select(rooms.c.id, rooms.c.auto_delete).where(
            rooms.c.empty_since < before_us, rooms.c.archived_at.is_(None)
        )
    )
    return [(int(r.id), bool(r.auto_delete)) for r in rows]


async def delete_room(conn: AsyncConnection, room_id: int) -> None:
    """Remove a room with its members and invitations."""
    await conn.execute(delete(room_members).where(room_members.c.room_id == room_id))
    await conn.execute(delete(room_invitations).where(room_invitations.c.room_id == room_id))
    await conn.execute(delete(rooms).where(rooms.c.id == room_id))


async def archive_room(conn: AsyncConnection, room_id: int, now_us: int) -> None:
    """Keep the room as a record only: no members or invitations, unknown to every RPC."""
    await conn.execute(delete(room_members).where(room_members.c.room_id == room_id))
    await conn.execute(delete(room_invitations).where(room_invitations.c.room_id == room_id))
    await conn.execute(update(rooms).where(rooms.c.id == room_id).values(archived_at=now_us))
