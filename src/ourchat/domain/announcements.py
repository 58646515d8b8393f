"""Server announcements: one stored event for every account, current and future.

The publisher is always the caller. The event is stored with no sender, so deleting the
publisher's account keeps it; its payload then shows publisher 0 (:func:`forget_publisher`).
Live and on replay it carries the same ``msg_id`` and ``time``; ``AnnouncementResponse.id``
is that msg_id and ``created_at`` that time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.delivery import payloads
from ourchat.delivery.events import Audience, Event
from ourchat.deps import Deps
from ourchat.storage import announcements as announcement_store
from ourchat.storage import events as stored_events
from ourchat.storage.uow import unit_of_work

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Published:
    """A stored announcement."""

    msg_id: int
    time_us: int
    title: str
    content: str
    publisher_id: int


async def publish(deps: Deps, *, caller_id: int, title: str, content: str) -> Published:
    """Store an announcement from ``caller_id`` and push it to every open stream."""
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        kind, placeholder = payloads.announcement(
            msg_id=0, time_us=0, title=title, content=content, publisher_id=caller_id
        )
        stored = await stored_events.store(
            tx, kind=kind, payload=placeholder, audience=Audience.EVERYONE, is_announcement=True
        )
        # The payload names its own msg_id and time, known only now.
        _, payload = payloads.announcement(
            msg_id=stored.msg_id,
            time_us=stored.time_us,
            title=title,
            content=content,
            publisher_id=caller_id,
        )
        await announcement_store.replace_payload(tx.conn, stored.msg_id, payload)
        tx.events[tx.events.index(stored)] = Event(
            stored.msg_id, stored.time_us, payload, None, is_announcement=True
        )
        await announcement_store.insert(
            tx.conn,
            msg_id=stored.msg_id,
            publisher_id=caller_id,
            title=title,
            content=content,
            created_at=stored.time_us,
        )
    log.info("user %d published announcement %d: %r", caller_id, stored.msg_id, title)
    return Published(stored.msg_id, stored.time_us, title, content, caller_id)


async def forget_publisher(conn: AsyncConnection, publisher_id: int) -> None:
    """Before an account is deleted: its announcements stay, showing publisher 0."""
    for msg_id, title, content, created_at in await announcement_store.published_by(
        conn, publisher_id
    ):
        _, payload = payloads.announcement(
            msg_id=msg_id, time_us=created_at, title=title, content=content, publisher_id=0
        )
        await announcement_store.replace_payload(conn, msg_id, payload)
