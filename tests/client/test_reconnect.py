"""``OurChatClient.events()``: reconnects after a dropped stream and yields every event once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import grpc
import pytest

from ourchat import details
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import FetchMsgsResponse
from ourchat.client import (
    Backoff,
    OurChatClient,
    OurChatRpcError,
    UnauthenticatedError,
    UnavailableError,
)
from ourchat.clock import ManualClock
from ourchat.server.app import OurChatServer
from tests.helpers import User, make_group

NewUser = Callable[..., Awaitable[User]]
FAST = Backoff(initial=0.05, maximum=0.2)


class Collector:
    """Runs ``client.events()`` in the background, recording events and disconnects."""

    def __init__(self, client: OurChatClient, backoff: Backoff = FAST) -> None:
        self.events: list[FetchMsgsResponse] = []
        self.drops: list[OurChatRpcError | None] = []
        self.error: BaseException | None = None
        self._changed = asyncio.Event()
        self._task = asyncio.create_task(self._run(client, backoff))

    async def _run(self, client: OurChatClient, backoff: Backoff) -> None:
        def dropped(error: OurChatRpcError | None, delay: float) -> None:
            self.drops.append(error)
            self._changed.set()

        try:
            async for event in client.events(0, backoff=backoff, on_disconnect=dropped):
                self.events.append(event)
                self._changed.set()
        except OurChatRpcError as exc:
            self.error = exc
            self._changed.set()

    async def until(self, check: Callable[[], bool], timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            while not check() and self.error is None:
                self._changed.clear()
                await self._changed.wait()

    def texts(self) -> list[str]:
        return [e.msg.markdown_text for e in self.events]

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def _send(user: User, session_id: int, text: str) -> int:
    """Send, retrying while the client's connection comes back after a restart."""
    for _ in range(100):
        try:
            return (await user.client.send_msg(session_id, text)).msg_id
        except UnavailableError:
            await asyncio.sleep(0.05)
    raise AssertionError("the server did not come back")


async def test_resumes_after_a_server_restart_without_duplicates_or_gaps(
    server: OurChatServer, clock: ManualClock, new_user: NewUser
) -> None:
    assert server.deps is not None
    assert server.port is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    session = await make_group(server.deps, alice, bob)
    collector = Collector(bob.client)
    sent = [await _send(alice, session, f"m{i}") for i in range(3)]
    await collector.until(lambda: len(collector.events) == 3)

    await server.stop(grace=0.5)
    await collector.until(lambda: bool(collector.drops))
    again = OurChatServer(server.settings.model_copy(update={"port": server.port}), clock=clock)
    await again.start()
    try:
        assert again.deps is not None
        sent += [await _send(alice, session, f"m{i}") for i in range(3, 6)]
        await collector.until(lambda: len(collector.events) >= 6)
        await asyncio.sleep(0.2)
        assert [e.msg_id for e in collector.events] == sent
        assert collector.texts() == [f"m{i}" for i in range(6)]
        assert isinstance(collector.drops[0], UnavailableError)
        assert collector.error is None
        await collector.close()
    finally:
        await again.stop(grace=0.5)


async def test_events_sent_while_the_stream_was_cut_arrive_once_after_resuming(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    session = await make_group(server.deps, alice, bob)
    collector = Collector(bob.client, Backoff(initial=0.5, maximum=0.5, jitter=0))
    sent = [await _send(alice, session, f"before{i}") for i in range(2)]
    await collector.until(lambda: len(collector.events) == 2)

    server.deps.bus.fanout.close_all(details.STREAM_LAGGED)  # type: ignore[attr-defined]
    await collector.until(lambda: bool(collector.drops))
    # Sent while bob waits to reconnect: only the replay can bring these.
    sent += [await _send(alice, session, f"gap{i}") for i in range(3)]
    await collector.until(lambda: len(collector.events) == 5)
    sent.append(await _send(alice, session, "after"))
    await collector.until(lambda: len(collector.events) >= 6)
    await asyncio.sleep(0.2)

    assert [e.msg_id for e in collector.events] == sent
    assert collector.texts() == ["before0", "before1", "gap0", "gap1", "gap2", "after"]
    assert len(collector.drops) == 1
    drop = collector.drops[0]
    assert drop is not None
    assert (drop.code, drop.detail) == (grpc.StatusCode.UNAVAILABLE, details.STREAM_LAGGED)
    await collector.close()


async def test_an_error_reconnecting_cannot_fix_ends_the_iteration(
    server: OurChatServer, clock: ManualClock, new_user: NewUser
) -> None:
    bob = await new_user("bob")
    clock.advance(5 * 24 * 3600 + 1)
    collector = Collector(bob.client)
    await collector.until(lambda: False)
    assert isinstance(collector.error, UnauthenticatedError)
    assert collector.error.detail == details.TOKEN_EXPIRED
    assert collector.drops == []
    await collector.close()


def _event(msg_id: int, time_us: int) -> FetchMsgsResponse:
    event = FetchMsgsResponse(msg_id=msg_id)
    event.time.FromMicroseconds(time_us)
    event.msg.markdown_text = f"m{msg_id}"
    return event


async def test_an_event_delivered_twice_across_a_reconnect_is_yielded_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server that repeats an event after a reconnect: the iterator drops the repeat."""
    client = OurChatClient("127.0.0.1:9", token="unused")
    cursors: list[int] = []
    streams = [
        [_event(1, 100), _event(2, 200), _event(3, 300)],
        [_event(3, 300), _event(4, 400)],
    ]

    def fake_fetch(since_us: int = 0, *, announcement_only: bool = False) -> AsyncIterator[object]:
        cursors.append(since_us)
        batch = streams[len(cursors) - 1]

        async def run() -> AsyncIterator[object]:
            for event in batch:
                yield event
            if len(cursors) == 1:
                raise UnavailableError(grpc.StatusCode.UNAVAILABLE, "connection reset")
            await asyncio.Event().wait()

        return run()

    monkeypatch.setattr(client, "fetch_msgs", fake_fetch)
    got: list[int] = []
    iterator = client.events(50, backoff=Backoff(initial=0.01, jitter=0))
    async with asyncio.timeout(5):
        async for event in iterator:
            got.append(event.msg_id)
            if len(got) == 4:
                break
    await iterator.aclose()
    await client.close()
    assert got == [1, 2, 3, 4]
    assert cursors == [50, 300]


def test_backoff_grows_to_its_maximum() -> None:
    pacing = Backoff(initial=0.5, maximum=4.0, factor=2.0, jitter=0)
    assert [pacing.delay(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    spread = Backoff(initial=1.0, jitter=0.2)
    assert all(0.8 <= spread.delay(0) <= 1.2 for _ in range(50))
