"""The delivery bus interface: publish committed events, subscribe a stream to one user's."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from ourchat import details
from ourchat.delivery.events import Event


class SubscriptionClosed(Exception):
    """The subscription can no longer promise every event; the stream must end and resume.

    ``error``, when set, is the refusal the stream must end with (say, the account was banned)
    instead of ``UNAVAILABLE`` with ``reason``.
    """

    def __init__(self, reason: str, error: Exception | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error


class Subscription:
    """One stream's inbox: events for its user, in publish order, with a bounded backlog."""

    __slots__ = ("_closed_error", "_closed_reason", "_queue", "limit", "user_id")

    def __init__(self, user_id: int, limit: int) -> None:
        self.user_id = user_id
        self.limit = limit
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._closed_reason: str | None = None
        self._closed_error: Exception | None = None

    def deliver(self, event: Event) -> None:
        """Queue an event; past the backlog limit the subscription closes instead."""
        if self._closed_reason is not None:
            return
        if self._queue.qsize() >= self.limit:
            self.close(details.STREAM_LAGGED)
            return
        self._queue.put_nowait(event)

    def close(self, reason: str, error: Exception | None = None) -> None:
        """End the subscription: :meth:`get` raises :class:`SubscriptionClosed` next.

        Events still queued are dropped (they are stored; the client resumes from the last
        event it received), so a stream stops at once, and a stream whose client reads
        nothing holds no backlog once closed.
        """
        if self._closed_reason is None:
            self._closed_reason = reason
            self._closed_error = error
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(None)

    @property
    def closed(self) -> bool:
        """Whether the subscription was closed."""
        return self._closed_reason is not None

    async def get(self) -> Event:
        """The next event.

        Raises:
            SubscriptionClosed: the bus lost events for this subscription or shut down.
        """
        item = await self._queue.get()
        if item is None:
            assert self._closed_reason is not None
            raise SubscriptionClosed(self._closed_reason, self._closed_error)
        return item


class Bus(Protocol):
    """Carries committed events to every subscription of their recipients, on every process.

    Every event passes through ``fanout`` on every process, whether or not anyone local wants
    it, so ``fanout.newest_time_us`` bounds what this process has seen.
    """

    fanout: LocalFanout

    async def start(self) -> None:
        """Connect and begin delivering."""

    async def close(self) -> None:
        """Stop delivering and close every open subscription."""

    async def publish(self, event: Event) -> None:
        """Deliver ``event`` once to each subscription of each recipient."""

    async def publish_many(self, events: Sequence[Event], *, wait: bool = True) -> None:
        """:meth:`publish` each of ``events``, in order (one round trip where there is one).

        With ``wait`` off, a bus that sends over the network may return once the events are
        queued, still in order.
        """

    def subscribe(self, user_id: int) -> contextlib.AbstractAsyncContextManager[Subscription]:
        """Open a subscription for ``user_id``, removed when the context exits."""
        ...


# Larger than any event time: streams must always look in the database.
UNKNOWN_NEWEST = 2**63 - 1


class LocalFanout:
    """Subscriptions held by this process, and delivery of an event to the right ones.

    A user holds at most ``streams_per_user`` subscriptions in this process (0: no limit):
    opening one more closes that user's oldest with "Too Many Streams, Reconnect", so a
    person's new device always gets in, whatever dead connections are still counted.
    """

    def __init__(self, queue_limit: int, streams_per_user: int = 0) -> None:
        self.queue_limit = queue_limit
        self.streams_per_user = streams_per_user
        # Per user, in the order they were opened (dict keys keep insertion order).
        self._by_user: dict[int, dict[Subscription, None]] = {}
        self.delivered = 0
        # Time of the newest event that reached this process (or that was committed before it
        # started). A stream resuming at or after it has nothing stored to replay: anything
        # newer is still on its way here and reaches the stream live.
        self.newest_time_us = 0

    def note_time(self, time_us: int) -> None:
        """Record that events up to ``time_us`` exist."""
        if time_us > self.newest_time_us:
            self.newest_time_us = time_us

    def deliver(self, event: Event) -> None:
        """Hand ``event`` to every local subscription it is addressed to."""
        if event.time_us > self.newest_time_us:
            self.newest_time_us = event.time_us
        if event.recipients is None:
            targets: list[dict[Subscription, None]] = list(self._by_user.values())
        else:
            by_user = self._by_user
            targets = [by_user[uid] for uid in event.recipients if uid in by_user]
        for subs in targets:
            for sub in subs:
                sub.deliver(event)
            self.delivered += len(subs)

    def close_all(self, reason: str) -> None:
        """Close every local subscription (used when the bus can no longer vouch for them).

        Events may have passed this process by, so from now on every resuming stream reads
        the database (``newest_time_us`` can no longer tell that nothing is newer).
        """
        self.newest_time_us = UNKNOWN_NEWEST
        for subs in self._by_user.values():
            for sub in subs:
                sub.close(reason)

    def end_streams(self, error: Exception, user_id: int | None = None) -> int:
        """End the local subscriptions of ``user_id`` (or all) with ``error``; returns how many.

        Unlike :meth:`close_all`, nothing was missed, so resuming streams may still skip the
        database.
        """
        if user_id is None:
            groups = list(self._by_user.values())
        else:
            groups = [self._by_user[user_id]] if user_id in self._by_user else []
        count = 0
        for subs in groups:
            for sub in subs:
                sub.close(str(error), error)
                count += 1
        return count

    @property
    def open_count(self) -> int:
        """How many subscriptions are open in this process."""
        return sum(len(s) for s in self._by_user.values())

    @contextlib.asynccontextmanager
    async def subscription(self, user_id: int) -> AsyncIterator[Subscription]:
        """Register a subscription for the duration of the context."""
        sub = Subscription(user_id, self.queue_limit)
        subs = self._by_user.setdefault(user_id, {})
        limit = self.streams_per_user
        while limit and len(subs) >= limit:
            oldest = next(iter(subs))
            del subs[oldest]
            oldest.close(details.TOO_MANY_STREAMS)
        subs[sub] = None
        try:
            yield sub
        finally:
            remaining = self._by_user.get(user_id)
            if remaining is not None:
                remaining.pop(sub, None)
                if not remaining:
                    del self._by_user[user_id]
