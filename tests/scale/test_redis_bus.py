"""RedisBus against a real Redis: cross-process fan-out, and what happens when Redis goes away."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
import redis.asyncio as aioredis

from ourchat import details
from ourchat.delivery.bus import Subscription, SubscriptionClosed
from ourchat.delivery.events import Event
from ourchat.delivery.redis import (
    KIND_EVENT,
    KIND_RESYNC,
    RedisBus,
    decode,
    encode_event,
    encode_resync,
)
from tests.scale.conftest import PrivateRedis


def event(msg_id: int, recipients: set[int] | None, *, announcement: bool = False) -> Event:
    """An event whose payload names it."""
    return Event(
        msg_id,
        1_700_000_000_000_000 + msg_id,
        f"payload-{msg_id}".encode(),
        None if recipients is None else frozenset(recipients),
        announcement,
    )


async def next_event(sub: Subscription, timeout: float = 3.0) -> Event:
    async with asyncio.timeout(timeout):
        return await sub.get()


async def closed_reason(sub: Subscription, timeout: float = 3.0) -> str:
    """Drain ``sub`` until it is closed; returns the reason."""
    async with asyncio.timeout(timeout):
        while True:
            try:
                await sub.get()
            except SubscriptionClosed as closed:
                return closed.reason


async def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``predicate`` (bus state has no event to wait on) until it holds."""
    async with asyncio.timeout(timeout):
        while not predicate():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


@pytest.fixture
async def buses() -> AsyncIterator[list[RedisBus]]:
    """Buses a test creates with ``start_bus``; all closed afterwards."""
    made: list[RedisBus] = []
    yield made
    for bus in made:
        await bus.close()


async def start_bus(made: list[RedisBus], url: str, prefix: str, **kwargs: object) -> RedisBus:
    bus = RedisBus(url, 100, channel_prefix=prefix, **kwargs)  # type: ignore[arg-type]
    made.append(bus)
    await bus.start()
    return bus


async def kill_subscriber(url: str, bus: RedisBus) -> int:
    """Cut ``bus``'s subscriber connection from the Redis side; returns how many were killed."""
    admin = aioredis.Redis.from_url(url)
    try:
        clients = await admin.client_list(_type="pubsub")
        ids = [c["id"] for c in clients if c.get("name") == bus.connection_name]
        for client_id in ids:
            await admin.client_kill_filter(_id=client_id)
        return len(ids)
    finally:
        await admin.aclose()


# The wire format -------------------------------------------------------------------------


def test_encoding_round_trips_every_field() -> None:
    for original in (
        event(7, {3, 1, 2}),
        event(8, None, announcement=True),
        event(9, set()),
        Event(2**62, 0, b"", frozenset({2**62 + 5}), False),
        Event(10, 11, b"signal", frozenset({4}), live_only=True),
    ):
        envelope = decode(encode_event(original, 123_456))
        assert envelope.kind == KIND_EVENT
        assert envelope.event == original
        assert envelope.published_us == 123_456


def test_resync_notice_and_damaged_messages() -> None:
    notice = decode(encode_resync(55))
    assert (notice.kind, notice.event, notice.published_us) == (KIND_RESYNC, None, 55)
    data = encode_event(event(1, {1, 2}), 0)
    with pytest.raises(ValueError, match="too short"):
        decode(data[:5])
    with pytest.raises(ValueError, match="truncated"):
        decode(data[: len(data) - len(b"payload-1") - 4])
    with pytest.raises(ValueError, match="unknown"):
        decode(bytes([9]) + data[1:])


# Fan-out across processes ---------------------------------------------------------------


async def test_publish_reaches_every_subscription_of_the_recipients_once(
    redis_url: str, redis_prefix: str, buses: list[RedisBus]
) -> None:
    lags: list[float] = []
    bus_a = await start_bus(buses, redis_url, redis_prefix, on_event=lags.append)
    bus_b = await start_bus(buses, redis_url, redis_prefix)
    assert bus_a.connected
    assert bus_b.connected
    async with (
        bus_a.subscribe(1) as a1,
        bus_b.subscribe(1) as b1,
        bus_b.subscribe(1) as b1_again,
        bus_b.subscribe(2) as b2,
        bus_a.subscribe(3) as a3,
    ):
        await bus_a.publish(event(1, {1}))
        await bus_b.publish(event(2, {2, 3}))
        await bus_a.publish(event(3, None, announcement=True))
        for sub, expected in ((a1, [1, 3]), (b1, [1, 3]), (b1_again, [1, 3]), (b2, [2, 3])):
            got = [await next_event(sub) for _ in expected]
            assert [e.msg_id for e in got] == expected
        assert [(await next_event(a3)).msg_id for _ in range(2)] == [2, 3]
        # Nothing else is queued: a final event for everyone is the next thing each one gets.
        await bus_b.publish(event(4, None))
        for sub in (a1, b1, b1_again, b2, a3):
            assert (await next_event(sub)).msg_id == 4
            assert sub._queue.empty()
    assert bus_a.received == bus_b.received == 4
    assert len(lags) == 4
    assert all(0 <= lag < 2 for lag in lags)


async def test_a_committed_batch_is_published_in_order_to_every_process(
    redis_url: str, redis_prefix: str, buses: list[RedisBus]
) -> None:
    bus_a = await start_bus(buses, redis_url, redis_prefix)
    bus_b = await start_bus(buses, redis_url, redis_prefix)
    async with bus_a.subscribe(1) as here, bus_b.subscribe(1) as there:
        await bus_a.publish_many([event(i, {1}) for i in range(1, 51)])
        for sub in (here, there):
            got = [await next_event(sub) for _ in range(50)]
            assert [e.msg_id for e in got] == list(range(1, 51))
            assert got[-1].payload == b"payload-50"
    assert bus_a.received == bus_b.received == 50


async def test_without_waiting_publishes_keep_their_order_and_share_round_trips(
    redis_url: str, redis_prefix: str, buses: list[RedisBus], monkeypatch: pytest.MonkeyPatch
) -> None:
    bus_a = await start_bus(buses, redis_url, redis_prefix)
    bus_b = await start_bus(buses, redis_url, redis_prefix)
    trips: list[int] = []
    real_send = bus_a._send

    async def counted(messages: list[bytes]) -> None:
        trips.append(len(messages))
        await real_send(messages)

    monkeypatch.setattr(bus_a, "_send", counted)
    async with bus_b.subscribe(1) as there:
        for first in range(1, 31, 3):  # ten commits of three events, none waiting for Redis
            await bus_a.publish_many([event(i, {1}) for i in range(first, first + 3)], wait=False)
        assert trips == []  # queued only: nothing was sent before the loop ran the sender
        got = [await next_event(there) for _ in range(30)]
    assert [e.msg_id for e in got] == list(range(1, 31))
    assert sum(trips) == 30
    assert len(trips) < 10  # what queued up while a PUBLISH was out went in one trip


async def test_closing_publishes_what_is_still_queued(
    redis_url: str, redis_prefix: str, buses: list[RedisBus]
) -> None:
    bus_a = await start_bus(buses, redis_url, redis_prefix)
    bus_b = await start_bus(buses, redis_url, redis_prefix)
    async with bus_b.subscribe(1) as there:
        await bus_a.publish_many([event(1, {1}), event(2, {1})], wait=False)
        await bus_a.close()
        assert [(await next_event(there)).msg_id for _ in range(2)] == [1, 2]


async def test_events_for_other_users_and_other_prefixes_are_not_delivered(
    redis_url: str, redis_prefix: str, buses: list[RedisBus]
) -> None:
    bus_a = await start_bus(buses, redis_url, redis_prefix)
    bus_b = await start_bus(buses, redis_url, redis_prefix)
    other_server = await start_bus(buses, redis_url, redis_prefix + "-other")
    async with bus_b.subscribe(5) as five, other_server.subscribe(6) as foreign:
        await bus_a.publish(event(1, {6}))
        await bus_a.publish(event(2, {5}))
        assert (await next_event(five)).msg_id == 2
        assert five._queue.empty()
        await asyncio.sleep(0.1)
        assert foreign._queue.empty()
    assert other_server.received == 0


async def test_a_subscription_that_overflows_is_closed_as_lagging(
    redis_url: str, redis_prefix: str, buses: list[RedisBus]
) -> None:
    bus = await start_bus(buses, redis_url, redis_prefix)
    async with bus.subscribe(1) as sub:
        for msg_id in range(1, 102):
            await bus.publish(event(msg_id, {1}))
        await wait_until(lambda: bus.received == 101)
        # The backlog is dropped with it: the stream ends at once and the client replays.
        assert await closed_reason(sub) == details.STREAM_LAGGED


# Losing Redis -----------------------------------------------------------------------------


async def test_cut_connection_closes_subscriptions_then_the_bus_recovers(
    redis_url: str, redis_prefix: str, buses: list[RedisBus]
) -> None:
    states: list[bool] = []
    bus_a = await start_bus(buses, redis_url, redis_prefix)
    bus_b = await start_bus(buses, redis_url, redis_prefix, on_connection=states.append)
    async with bus_b.subscribe(1) as before, bus_a.subscribe(1) as on_a:
        assert await kill_subscriber(redis_url, bus_b) == 1
        assert await closed_reason(before) == details.DELIVERY_UNAVAILABLE
        await wait_until(lambda: bus_b.connected)
        assert states == [True, False, True]
        async with bus_b.subscribe(1) as after:
            await bus_a.publish(event(1, {1}))
            assert (await next_event(after)).msg_id == 1
            assert (await next_event(on_a)).msg_id == 1
            assert after._queue.empty()


async def test_redis_down_closes_streams_new_ones_at_once_and_publishing_never_raises(
    private_redis: PrivateRedis, redis_prefix: str, buses: list[RedisBus]
) -> None:
    bus_a = await start_bus(buses, private_redis.url, redis_prefix, publish_timeout_seconds=0.5)
    bus_b = await start_bus(buses, private_redis.url, redis_prefix)
    async with bus_b.subscribe(1) as live:
        private_redis.stop()
        assert await closed_reason(live) == details.DELIVERY_UNAVAILABLE
    await wait_until(lambda: not bus_a.connected)
    async with bus_b.subscribe(1) as while_down:
        assert await closed_reason(while_down, timeout=0.1) == details.DELIVERY_UNAVAILABLE
    await bus_a.publish(event(1, {1}))  # logged, not raised: the event is already stored

    private_redis.start()
    await wait_until(lambda: bus_a.connected and bus_b.connected, timeout=10)
    async with bus_b.subscribe(1) as again:
        await bus_a.publish(event(2, {1}))
        # bus_a owed a resync notice (its publish failed); it goes out before event 2.
        assert await closed_reason(again) == details.DELIVERY_UNAVAILABLE
    await wait_until(lambda: bus_b.received == 1)  # event 2 has passed
    async with bus_b.subscribe(1) as fresh:
        await bus_a.publish(event(3, {1}))
        assert (await next_event(fresh)).msg_id == 3


async def test_a_failed_publish_makes_every_process_resync_once_redis_answers(
    redis_url: str,
    redis_prefix: str,
    buses: list[RedisBus],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bus_a = await start_bus(buses, redis_url, redis_prefix, heartbeat_seconds=0.2)
    bus_b = await start_bus(buses, redis_url, redis_prefix)
    real_publish = bus_a._client.publish

    async def refuse(*args: object, **kwargs: object) -> int:
        raise aioredis.ConnectionError("refused for the test")

    async with bus_a.subscribe(1) as local, bus_b.subscribe(1) as remote:
        monkeypatch.setattr(bus_a._client, "publish", refuse)
        await bus_a.publish(event(1, {1}))
        # The local stream cannot get event 1 either: it ends at once.
        assert await closed_reason(local, timeout=0.5) == details.DELIVERY_UNAVAILABLE
        monkeypatch.setattr(bus_a._client, "publish", real_publish)
        # With no further publish, the subscriber's heartbeat sends the resync notice.
        assert await closed_reason(remote) == details.DELIVERY_UNAVAILABLE
    async with bus_b.subscribe(1) as fresh:
        await bus_a.publish(event(2, {1}))
        assert (await next_event(fresh)).msg_id == 2
        assert fresh._queue.empty()


async def test_a_redis_that_stops_answering_is_noticed_by_the_heartbeat(
    private_redis: PrivateRedis, redis_prefix: str, buses: list[RedisBus]
) -> None:
    bus = await start_bus(buses, private_redis.url, redis_prefix, heartbeat_seconds=0.2)
    admin = aioredis.Redis.from_url(private_redis.url)
    try:
        async with bus.subscribe(1) as sub:
            await admin.execute_command("CLIENT", "PAUSE", "1500", "ALL")
            assert await closed_reason(sub, timeout=1.4) == details.DELIVERY_UNAVAILABLE
        await wait_until(lambda: bus.connected, timeout=5)
    finally:
        await admin.aclose()


async def test_unreachable_redis_at_start_still_starts_and_connects_later(
    private_redis: PrivateRedis, redis_prefix: str, buses: list[RedisBus]
) -> None:
    private_redis.stop()
    bus = await start_bus(
        buses,
        private_redis.url,
        redis_prefix,
        connect_timeout_seconds=0.2,
        publish_timeout_seconds=0.2,
    )
    assert not bus.connected
    async with bus.subscribe(1) as sub:
        assert await closed_reason(sub, timeout=0.1) == details.DELIVERY_UNAVAILABLE
    private_redis.start()
    await wait_until(lambda: bus.connected, timeout=10)
    async with bus.subscribe(1) as sub:
        await bus.publish(event(1, {1}))
        assert (await next_event(sub)).msg_id == 1


async def test_close_ends_subscriptions_as_shutting_down(redis_url: str, redis_prefix: str) -> None:
    bus = RedisBus(redis_url, 10, channel_prefix=redis_prefix)
    await bus.start()
    async with bus.subscribe(1) as sub:
        await bus.close()
        assert await closed_reason(sub) == details.SHUTTING_DOWN
    async with bus.subscribe(1) as late:
        assert await closed_reason(late, timeout=0.1) == details.SHUTTING_DOWN
    listener = RedisBus(redis_url, 10, channel_prefix=redis_prefix)
    await listener.start()
    try:
        async with listener.subscribe(1) as sub:
            # A transaction that commits during shutdown still reaches the other processes.
            await bus.publish(event(5, {1}))
            assert (await next_event(sub)).msg_id == 5
    finally:
        await listener.close()
