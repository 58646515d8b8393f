"""Figure 5: how fast a reconnecting client is streamed the events it missed.

The missed events are written straight into the stopped server's database with ourchat's own
storage function (``storage.events.store_many``, the one SendMsg uses), in large batches, as
chat messages of one 2-member session; then the server is started again and the receiver
reconnects from the time before the first of them.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import select

from bench import bare, driver
from bench.loops import channels, open_stream, wait_counts
from bench.modes import Mode
from bench.results import Figure

#: Events written per transaction while seeding.
SEED_BATCH = 5000
#: A replay that has not finished after this long is cut short (and reported as such).
REPLAY_TIMEOUT_S = 60.0


def sqlite_url(data_dir: Path) -> str:
    """The database URL ``ourchat serve --data-dir data_dir`` uses by default."""
    from ourchat.config import Settings

    return Settings(data_dir=data_dir, database_url=None).resolved_database_url


async def seed_messages(database_url: str, session_id: int, sender_id: int, count: int) -> int:
    """Store ``count`` chat messages in ``session_id``; returns the time just before them.

    The server must not be running (its caches would not know about the new rows).
    """
    from ourchat.delivery import payloads
    from ourchat.delivery.events import Audience
    from ourchat.storage import events as stored_events
    from ourchat.storage.engine import Database
    from ourchat.storage.tables import event_clock
    from ourchat.storage.uow import Tx

    db = Database(database_url, pool_size=1, max_overflow=0)
    try:
        async with db.write() as conn:
            since = int((await conn.execute(select(event_clock.c.last_time))).scalar_one())
        now_us = time.time_ns() // 1000
        for start in range(0, count, SEED_BATCH):
            items = []
            for seq in range(start, min(count, start + SEED_BATCH)):
                kind, payload = payloads.message(
                    session_id=session_id,
                    sender_id=sender_id,
                    markdown_text=f"{seq} {driver.TEXT_PADDING}",
                    involved_files=(),
                    is_encrypted=False,
                )
                items.append(
                    stored_events.NewEvent(
                        kind=kind,
                        payload=payload,
                        audience=Audience.SESSION,
                        sender_id=sender_id,
                        session_id=session_id,
                    )
                )
            async with db.write() as conn:
                await stored_events.store_many(Tx(conn=conn, now_us=now_us), items)
        return since
    finally:
        await db.dispose()


async def _replay(
    target: str, method: str, request: bytes, metadata: tuple[tuple[str, str], ...], count: int
) -> tuple[float, int, str | None]:
    """Events/s of one stream until ``count`` frames arrived; also how many did, and any error."""
    async with channels(target, 1) as (channel,):
        start = time.perf_counter()
        reader = open_stream(channel, method, request, metadata)
        try:
            await wait_counts([reader], [count], REPLAY_TIMEOUT_S)
        finally:
            await reader.close()
    elapsed = (reader.last_at or time.perf_counter()) - start
    error = reader.error if reader.count < count else None
    return (reader.count / elapsed if elapsed > 0 else 0.0), reader.count, error


async def replay_bare(target: str, count: int) -> tuple[float, int, str | None]:
    """The bare server streams ``count`` prepared frames."""
    return await _replay(target, bare.REPLAY, bare.replay_request(count), (), count)


async def replay_ourchat(
    target: str, receiver: driver.Account, since_us: int, count: int
) -> tuple[float, int, str | None]:
    """``receiver`` reconnects at ``since_us`` with ``count`` stored events to catch up on."""
    request = driver.fetch_request(since_us)
    return await _replay(target, driver.FETCH_MSGS_METHOD, request, receiver.metadata, count)


def replay_figure(mode: Mode, seed_s: float) -> Figure:
    """An empty figure 5, to be filled by the caller."""
    return Figure(
        key="replay",
        title=f"Replay after reconnecting behind {mode.replay_events:,} stored events",
        unit="events/s",
        higher_is_better=True,
        notes=(
            f"{mode.replay_events:,} chat messages of one 2-member session written into the "
            f"stopped server's database with storage.events.store_many in batches of "
            f"{SEED_BATCH:,} ({seed_s:.1f} s), server restarted, then one FetchMsgs from "
            "before them; bare: a stream of as many prepared 100-byte frames"
        ),
    )
