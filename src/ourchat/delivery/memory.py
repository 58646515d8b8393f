"""The in-process bus of the embedded default: delivery within one server process."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from ourchat import details
from ourchat.delivery.bus import LocalFanout, Subscription
from ourchat.delivery.events import Event


class InProcessBus:
    """Delivers each published event straight to this process's subscriptions."""

    def __init__(self, queue_limit: int = 10_000, streams_per_user: int = 0) -> None:
        self.fanout = LocalFanout(queue_limit, streams_per_user)

    async def start(self) -> None:
        """Nothing to connect to."""

    async def close(self) -> None:
        """End every open subscription."""
        self.fanout.close_all(details.SHUTTING_DOWN)

    async def publish(self, event: Event) -> None:
        """Deliver synchronously, so events leave in publish order."""
        self.fanout.deliver(event)

    async def publish_many(self, events: Sequence[Event], *, wait: bool = True) -> None:
        """Deliver each event in order (always at once, whatever ``wait``)."""
        for event in events:
            await self.publish(event)

    def subscribe(self, user_id: int) -> contextlib.AbstractAsyncContextManager[Subscription]:
        """Open a subscription for ``user_id``."""
        return self.fanout.subscription(user_id)
