"""Units of work: one transaction, then the events it stored are published, in commit order."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.delivery.events import Event

if TYPE_CHECKING:
    from ourchat.delivery.bus import Bus
    from ourchat.storage.engine import Database


@dataclass
class Tx:
    """An open write transaction and what must happen once it commits."""

    conn: AsyncConnection
    now_us: int
    events: list[Event] = field(default_factory=list)
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    #: Set once the transaction committed (before its events are published), or once a
    #: statement that is its own transaction stored its events.
    committed: bool = False


@contextlib.asynccontextmanager
async def unit_of_work(db: Database, bus: Bus, now_us: int) -> AsyncIterator[Tx]:
    """Run a write transaction; after commit, publish its events, then run its callbacks.

    Publishing happens while this process still holds its writer slot, so events leave a
    process in the order their transactions committed. A bus that sends over the network
    only queues them here (the transaction is durable already). Nothing is published on
    rollback.
    """
    async with db.writer_slot():
        async with db.engine.begin() as conn:
            tx = Tx(conn=conn, now_us=now_us)
            yield tx
        tx.committed = True
        if tx.events:
            await bus.publish_many(tx.events, wait=False)
    for callback in tx.after_commit:
        await callback()
