"""The in-process bus and subscriptions: addressing, several subscriptions, overflow."""

from __future__ import annotations

import pytest

from ourchat import details
from ourchat.delivery.bus import SubscriptionClosed
from ourchat.delivery.events import Event
from ourchat.delivery.memory import InProcessBus


def _event(msg_id: int, recipients: frozenset[int] | None) -> Event:
    return Event(msg_id, msg_id * 10, b"", recipients)


async def test_events_reach_each_subscription_of_each_recipient_only() -> None:
    bus = InProcessBus()
    async with bus.subscribe(1) as a1, bus.subscribe(1) as a2, bus.subscribe(2) as b:
        await bus.publish(_event(1, frozenset({1})))
        await bus.publish(_event(2, None))
        assert [(await a1.get()).msg_id, (await a1.get()).msg_id] == [1, 2]
        assert [(await a2.get()).msg_id, (await a2.get()).msg_id] == [1, 2]
        assert (await b.get()).msg_id == 2
        assert b._queue.empty()
    assert bus.fanout.open_count == 0


async def test_a_subscription_that_falls_behind_is_closed_at_once() -> None:
    bus = InProcessBus(queue_limit=3)
    async with bus.subscribe(1) as sub:
        for i in range(5):
            await bus.publish(_event(i, frozenset({1})))
        # The backlog is dropped (the events are stored; the client resumes from its last).
        with pytest.raises(SubscriptionClosed) as closed:
            await sub.get()
        assert closed.value.reason == details.STREAM_LAGGED
        assert sub._queue.empty()


async def test_a_users_stream_beyond_the_limit_closes_that_users_oldest() -> None:
    bus = InProcessBus(streams_per_user=2)
    async with (
        bus.subscribe(1) as first,
        bus.subscribe(2) as other_user,
        bus.subscribe(1) as second,
    ):
        await bus.publish(_event(1, frozenset({1, 2})))
        async with bus.subscribe(1) as third:
            assert first.closed
            assert not second.closed
            assert not third.closed
            with pytest.raises(SubscriptionClosed) as closed:
                await first.get()
            assert closed.value.reason == details.TOO_MANY_STREAMS
            assert bus.fanout.open_count == 3
            await bus.publish(_event(2, frozenset({1, 2})))
            assert [(await second.get()).msg_id for _ in range(2)] == [1, 2]
            assert [(await third.get()).msg_id] == [2]
            assert [(await other_user.get()).msg_id for _ in range(2)] == [1, 2]
        async with bus.subscribe(1) as fourth:  # room again: nobody else is closed
            assert not second.closed
            assert not fourth.closed


async def test_closing_the_bus_ends_subscriptions() -> None:
    bus = InProcessBus()
    async with bus.subscribe(7) as sub:
        await bus.close()
        with pytest.raises(SubscriptionClosed) as closed:
            await sub.get()
        assert closed.value.reason == details.SHUTTING_DOWN


async def test_the_fanout_knows_the_newest_event_until_it_may_have_missed_some() -> None:
    from ourchat.delivery.bus import UNKNOWN_NEWEST

    bus = InProcessBus()
    bus.fanout.note_time(500)
    assert bus.fanout.newest_time_us == 500
    await bus.publish(_event(70, frozenset({1})))  # time 700, nobody subscribed
    assert bus.fanout.newest_time_us == 700
    bus.fanout.note_time(600)
    assert bus.fanout.newest_time_us == 700
    bus.fanout.close_all(details.DELIVERY_UNAVAILABLE)
    assert bus.fanout.newest_time_us == UNKNOWN_NEWEST
    await bus.publish(_event(80, None))
    assert bus.fanout.newest_time_us == UNKNOWN_NEWEST
