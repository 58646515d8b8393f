"""Helpers of the call-room tests: rooms with members, notices read off streams, stored state."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import select

from ourchat.deps import Deps
from ourchat.storage.tables import room_invitations, room_members, rooms
from tests.helpers import Stream, User, kinds

NewUser = Callable[..., Awaitable[User]]


async def room_with(owner: User, *members: User, open_join: bool = False) -> int:
    """A room created by ``owner`` that each of ``members`` joined (by invitation)."""
    room_id = await owner.client.create_room(title="call", open_join=open_join)
    for member in members:
        await owner.client.invite_user_to_room(room_id=room_id, user_id=member.id)
        await member.client.join_room(room_id)
    return room_id


async def stored_members(deps: Deps, room_id: int) -> dict[int, tuple[bool, bool]]:
    """``user_id -> (is_admin, in_call)`` of the room, read from the database."""
    async with deps.db.read() as conn:
        rows = await conn.execute(
            select(room_members.c.user_id, room_members.c.is_admin, room_members.c.in_call).where(
                room_members.c.room_id == room_id
            )
        )
        return {int(r[0]): (bool(r[1]), bool(r[2])) for r in rows}


async def stored_invitations(deps: Deps, room_id: int) -> set[int]:
    """Users holding an invitation into the room."""
    async with deps.db.read() as conn:
        rows = await conn.execute(
            select(room_invitations.c.user_id).where(room_invitations.c.room_id == room_id)
        )
        return {int(r[0]) for r in rows}


async def stored_room(deps: Deps, room_id: int) -> dict[str, object] | None:
    """The room's row (archived or not), or None once removed."""
    async with deps.db.read() as conn:
        row = (await conn.execute(select(rooms).where(rooms.c.id == room_id))).first()
        return None if row is None else dict(row._mapping)


def notices(events: list[object]) -> list[tuple[str | None, int, int]]:
    """(variant, room_id, user_id) of each room membership notice among ``events``."""
    result = []
    for event, kind in zip(events, kinds(events), strict=True):
        if kind is not None and kind.startswith("room_member_"):
            value = getattr(event, kind)
            result.append((kind, value.room_id, value.user_id))
    return result


async def streams(deps: Deps, *users: User) -> list[Stream]:
    """A FetchMsgs stream per user, each subscribed (room notices are live only) on return."""
    before = deps.bus.fanout.open_count
    opened = [Stream(u.client) for u in users]
    async with asyncio.timeout(10):
        while deps.bus.fanout.open_count < before + len(users):  # noqa: ASYNC110 (no event)
            await asyncio.sleep(0.01)
    return opened
