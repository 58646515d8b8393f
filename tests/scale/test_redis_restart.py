"""Restarting Redis under a live stream: RPCs keep working, the client resumes and loses nothing."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import grpc
import pytest

from ourchat import details
from ourchat.client import OurChatClient, OurChatRpcError
from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.delivery.redis import RedisBus
from ourchat.server.app import OurChatServer
from tests.helpers import make_group, register_user
from tests.scale.conftest import PrivateRedis


class Follower:
    """A client that follows its events like a real one: on UNAVAILABLE it reconnects with the
    ``time`` of the last event it saw. Every message it receives is kept, duplicates included."""

    def __init__(self, client: OurChatClient) -> None:
        self.client = client
        self.texts: list[str] = []
        self.errors: list[tuple[grpc.StatusCode, str]] = []
        self.last_time = 0
        self._new = asyncio.Event()
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            try:
                async for event in self.client.fetch_msgs(self.last_time):
                    self.last_time = event.time.ToMicroseconds()
                    if event.WhichOneof("respond_event_type") == "msg":
                        self.texts.append(event.msg.markdown_text)
                        self._new.set()
            except OurChatRpcError as exc:
                self.errors.append((exc.code, exc.detail))
                self._new.set()
                if exc.code != grpc.StatusCode.UNAVAILABLE:
                    raise
                await asyncio.sleep(0.05)

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[str]:
        async with asyncio.timeout(timeout):
            while len(self.texts) < count:
                self._new.clear()
                await self._new.wait()
        return list(self.texts)

    async def wait_for_error(self, count: int, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while len(self.errors) < count:
                self._new.clear()
                await self._new.wait()

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


@pytest.fixture
async def redis_server(
    settings: Settings, clock: ManualClock, private_redis: PrivateRedis
) -> AsyncIterator[OurChatServer]:
    """A server whose bus is the private Redis."""
    srv = OurChatServer(
        settings.model_copy(
            update={"redis_url": private_redis.url, "redis_channel_prefix": "restart"}
        ),
        clock=clock,
    )
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop(grace=0.5)


async def test_redis_restart_under_a_live_stream_loses_nothing(
    redis_server: OurChatServer, private_redis: PrivateRedis
) -> None:
    assert redis_server.deps is not None
    bus = redis_server.deps.bus
    assert isinstance(bus, RedisBus)
    target = f"127.0.0.1:{redis_server.port}"
    async with OurChatClient(target) as alice_client, OurChatClient(target) as bob_client:
        alice = await register_user(alice_client, "alice")
        bob = await register_user(bob_client, "bob")
        session_id = await make_group(redis_server.deps, alice, bob)
        bob_follows = Follower(bob.client)
        try:
            await alice.client.send_msg(session_id, "before")
            assert await bob_follows.wait_for(1) == ["before"]

            private_redis.stop()
            await bob_follows.wait_for_error(1)
            assert bob_follows.errors[0] == (
                grpc.StatusCode.UNAVAILABLE,
                details.DELIVERY_UNAVAILABLE,
            )
            # Redis is down: sending still works (the messages are stored), and the client's
            # reconnects replay them before ending again with UNAVAILABLE.
            for text in ("during 1", "during 2"):
                await alice.client.send_msg(session_id, text)
            assert await bob_follows.wait_for(3) == ["before", "during 1", "during 2"]
            await bob_follows.wait_for_error(3)
            assert set(bob_follows.errors) == {
                (grpc.StatusCode.UNAVAILABLE, details.DELIVERY_UNAVAILABLE)
            }

            private_redis.start()
            async with asyncio.timeout(10):
                while not bus.connected:  # noqa: ASYNC110 (the bus has no event to await)
                    await asyncio.sleep(0.02)
            for text in ("after 1", "after 2"):
                await alice.client.send_msg(session_id, text)
            assert await bob_follows.wait_for(5) == [
                "before",
                "during 1",
                "during 2",
                "after 1",
                "after 2",
            ]
            await asyncio.sleep(0.3)
            assert len(bob_follows.texts) == 5  # and nothing twice
        finally:
            await bob_follows.close()
