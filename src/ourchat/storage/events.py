"""Stored events (``events`` + ``event_recipients``): allocation, insertion and replay queries."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, delete, exists, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.delivery.events import Audience, Event
from ourchat.storage.engine import greatest_in
from ourchat.storage.tables import Int64, event_clock, event_recipients, events, session_members
from ourchat.storage.uow import Tx


@functools.cache
def _allocate_statement(dialect: str) -> Any:
    """The UPDATE of :func:`_allocate` for a dialect, built once (``count``, ``now_us`` bound)."""
    count = bindparam("count", type_=Int64())
    now_us = bindparam("now_us", type_=Int64())
    last_time = event_clock.c.last_time + count
    newest = now_us + count - 1
    return (
        update(event_clock)
        .where(event_clock.c.id == 1)
        .values(
            last_id=event_clock.c.last_id + count,
            last_time=greatest_in(dialect, last_time, newest),
        )
        .returning(event_clock.c.last_id, event_clock.c.last_time)
    )


async def _allocate(conn: AsyncConnection, now_us: int, count: int) -> tuple[int, int]:
    """Take ``count`` consecutive (msg_id, time) pairs; returns the first pair.

    The row lock on ``event_clock`` keeps commit order equal to id order, and times are
    strictly increasing, never behind ``now_us``.
    """
    statement = _allocate_statement(conn.dialect.name)
    row = (await conn.execute(statement, {"count": count, "now_us": now_us})).one()
    return int(row[0]) - count + 1, int(row[1]) - count + 1


async def current_watermark(conn: AsyncConnection) -> int:
    """The highest msg_id handed out so far (events above it are newer than now)."""
    return int((await conn.execute(select(event_clock.c.last_id))).scalar_one())


@dataclass(frozen=True)
class NewEvent:
    """An event to store.

    Attributes:
        kind: field number of the ``FetchMsgsResponse`` variant.
        payload: serialized ``FetchMsgsResponse`` with only that variant set.
        audience: SESSION (current members of ``session_id``), USERS (``recipients``) or
            EVERYONE.
        recipients: the user ids for a USERS audience.
        sender_id: who caused it, if anyone.
        session_id: the session it belongs to (deleted with it).
        is_encrypted: the message flag.
        is_announcement: whether it is a server announcement.
    """

    kind: int
    payload: bytes
    audience: Audience
    recipients: frozenset[int] = frozenset()
    sender_id: int | None = None
    session_id: int | None = None
    is_encrypted: bool = False
    is_announcement: bool = False


_MEMBERS_OF_SESSIONS = select(session_members.c.session_id, session_members.c.user_id).where(
    session_members.c.session_id.in_(bindparam("session_ids", expanding=True))
)


async def store_many(tx: Tx, items: Sequence[NewEvent]) -> list[Event]:
    """Insert events in one go and queue them, in order, for publishing after commit."""
    if not items:
        return []
    conn = tx.conn
    first_id, first_time = await _allocate(conn, tx.now_us, len(items))
    await conn.execute(insert(events), event_rows(items, first_id, first_time))
    session_ids = {i.session_id for i in items if i.audience is Audience.SESSION}
    members: dict[int, set[int]] = {sid: set() for sid in session_ids if sid is not None}
    if members:
        rows = await conn.execute(_MEMBERS_OF_SESSIONS, {"session_ids": list(members)})
        for sid, uid in rows:
            members[int(sid)].add(int(uid))
    recipient_rows = [
        {"user_id": uid, "msg_id": first_id + i}
        for i, item in enumerate(items)
        if item.audience is Audience.USERS
        for uid in sorted(item.recipients)
    ]
    if recipient_rows:
        await conn.execute(insert(event_recipients), recipient_rows)
    return queue_stored(tx, items, first_id, first_time, members)


def event_rows(items: Sequence[NewEvent], first_id: int, first_time: int) -> list[dict[str, Any]]:
    """The ``events`` rows of ``items``, numbered from ``first_id`` and ``first_time``."""
    return [
        {
            "msg_id": first_id + i,
            "time": first_time + i,
            "kind": item.kind,
            "payload": item.payload,
            "sender_id": item.sender_id,
            "session_id": item.session_id,
            "audience": int(item.audience),
            "is_encrypted": item.is_encrypted,
            "is_announcement": item.is_announcement,
        }
        for i, item in enumerate(items)
    ]


def queue_stored(
    tx: Tx,
    items: Sequence[NewEvent],
    first_id: int,
    first_time: int,
    members: dict[int, set[int]],
) -> list[Event]:
    """Queue on ``tx`` the events of ``items``, stored from ``first_id`` and ``first_time`` on.

    ``members`` holds the current members of every session a SESSION event goes to.
    """
    stored = []
    for i, item in enumerate(items):
        push_to: frozenset[int] | None
        if item.audience is Audience.SESSION:
            assert item.session_id is not None
            push_to = frozenset(members[item.session_id])
        elif item.audience is Audience.USERS:
            push_to = item.recipients
        else:
            push_to = None
        stored.append(
            Event(first_id + i, first_time + i, item.payload, push_to, item.is_announcement)
        )
    tx.events.extend(stored)
    return stored


async def queue_live(tx: Tx, payload: bytes, recipients: Iterable[int]) -> Event:
    """Queue an event that is pushed after commit but never stored (so never replayed).

    Its ``msg_id`` and time come from the same clock as stored events, so a client resuming
    from its time misses nothing stored before it.
    """
    msg_id, time_us = await _allocate(tx.conn, tx.now_us, 1)
    event = Event(msg_id, time_us, payload, frozenset(recipients), live_only=True)
    tx.events.append(event)
    return event


async def store(
    tx: Tx,
    *,
    kind: int,
    payload: bytes,
    audience: Audience,
    recipients: Iterable[int] = (),
    sender_id: int | None = None,
    session_id: int | None = None,
    is_encrypted: bool = False,
    is_announcement: bool = False,
) -> Event:
    """Insert one event and queue it for publishing after commit (see :class:`NewEvent`)."""
    [event] = await store_many(
        tx,
        [
            NewEvent(
                kind=kind,
                payload=payload,
                audience=audience,
                recipients=frozenset(recipients),
                sender_id=sender_id,
                session_id=session_id,
                is_encrypted=is_encrypted,
                is_announcement=is_announcement,
            )
        ],
    )
    return event


async def newest_time(conn: AsyncConnection) -> int:
    """The time of the newest event handed out so far (0 before the first)."""
    return int((await conn.execute(select(event_clock.c.last_time))).scalar_one())


async def visible_since(
    conn: AsyncConnection,
    user_id: int,
    after_msg_id: int,
    limit: int,
    *,
    after_time_us: int | None = None,
    announcements_only: bool = False,
) -> Sequence[tuple[int, int, bytes]]:
    """Events ``user_id`` may see after a point, ascending by msg_id, at most ``limit``.

    The point is ``after_msg_id`` and, when given, ``after_time_us`` (times grow with ids,
    so either bounds the same history). A user sees: session events from their current
    membership's start on, events addressed to them, and events for everyone.

    Returns:
        ``(msg_id, time_us, payload)`` rows.
    """
    member = session_members.alias("m")
    recipient = event_recipients.alias("r")
    visible = or_(
        events.c.audience == int(Audience.EVERYONE),
        and_(
            events.c.audience == int(Audience.SESSION),
            exists().where(
                member.c.session_id == events.c.session_id,
                member.c.user_id == user_id,
                events.c.msg_id > member.c.visible_after,
            ),
        ),
        and_(
            events.c.audience == int(Audience.USERS),
            exists().where(recipient.c.msg_id == events.c.msg_id, recipient.c.user_id == user_id),
        ),
    )
    query = (
        select(events.c.msg_id, events.c.time, events.c.payload)
        .where(events.c.msg_id > after_msg_id, visible)
        .order_by(events.c.msg_id)
        .limit(limit)
    )
    if after_time_us is not None:
        query = query.where(events.c.time > after_time_us)
    if announcements_only:
        query = query.where(events.c.is_announcement.is_(True))
    rows = await conn.execute(query)
    return [(int(r[0]), int(r[1]), bytes(r[2])) for r in rows]


async def get(conn: AsyncConnection, msg_id: int) -> dict[str, object] | None:
    """One stored event's columns (without the payload), or None."""
    row = (
        await conn.execute(
            select(
                events.c.msg_id,
                events.c.kind,
                events.c.sender_id,
                events.c.session_id,
                events.c.time,
            ).where(events.c.msg_id == msg_id)
        )
    ).first()
    return dict(row._mapping) if row is not None else None


async def remove(conn: AsyncConnection, msg_id: int) -> None:
    """Delete one stored event (it will never be replayed again)."""
    await conn.execute(delete(events).where(events.c.msg_id == msg_id))
