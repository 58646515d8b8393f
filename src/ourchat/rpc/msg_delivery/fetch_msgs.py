"""OurChatService.FetchMsgs: every event after a time, then live events, on one stream.

The stream subscribes to the bus before it reads history, so nothing committed in between is
lost; live events already sent during the replay are skipped by ``msg_id`` (live-only events,
which no replay holds, never are). A stream that
resumes at or after the newest event this process has seen skips the database entirely.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from ourchat import details, metrics
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import FetchMsgsRequest
from ourchat.caller import current_user_id
from ourchat.delivery.bus import SubscriptionClosed
from ourchat.delivery.payloads import frame
from ourchat.deps import Deps
from ourchat.errors import InvalidArgument, Unavailable
from ourchat.rpc.convert import timestamp_us
from ourchat.storage import events as stored_events


async def handle(deps: Deps, request: FetchMsgsRequest, context: Any) -> AsyncIterator[bytes]:
    """Replay the caller's events after ``request.time``, then stream new ones until cancelled.

    Yields already-encoded ``FetchMsgsResponse`` frames (see :func:`payloads.frame`), so an
    event fanned out to many streams is encoded once.
    """
    if not request.HasField("time"):
        raise InvalidArgument(details.TIME_MISSING)
    since_us = timestamp_us(request.time)
    user_id = current_user_id()
    only_announcements = request.announcement_only
    page_size = deps.settings.fetch_msg_page_size
    async with deps.bus.subscribe(user_id) as subscription:
        metrics.OPEN_STREAMS.inc()
        try:
            # Nothing stored can be newer than the newest event this process has seen.
            high_water = 0
            replay = since_us < deps.bus.fanout.newest_time_us
            after_time: int | None = since_us
            while replay:
                # One page per short read, so a slow reader never holds a pooled connection.
                async with deps.db.read() as conn:
                    rows = await stored_events.visible_since(
                        conn,
                        user_id,
                        high_water,
                        page_size,
                        after_time_us=after_time,
                        announcements_only=only_announcements,
                    )
                for msg_id, time_us, payload in rows:
                    yield frame(payload, msg_id, time_us)
                    high_water = msg_id
                metrics.EVENTS_DELIVERED.inc(len(rows))
                after_time = None
                replay = len(rows) == page_size
            while True:
                try:
                    event = await subscription.get()
                except SubscriptionClosed as closed:
                    raise (closed.error or Unavailable(closed.reason)) from None
                if event.msg_id <= high_water and not event.live_only:
                    continue
                if only_announcements and not event.is_announcement:
                    continue
                yield event.wire
                metrics.EVENTS_DELIVERED.inc()
        finally:
            metrics.OPEN_STREAMS.dec()
