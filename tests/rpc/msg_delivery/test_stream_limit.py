"""The per-user limit on open FetchMsgs streams: a new stream always starts, the oldest ends.

A person's new device must never be locked out by streams of devices that are gone but not yet
noticed, so at the limit the oldest stream of that user ends with UNAVAILABLE (the SDK
reconnects) and the new one starts. Other users' streams are untouched.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import grpc

from ourchat import details
from ourchat.config import Settings
from ourchat.server.app import OurChatServer
from tests.helpers import Stream, User

NewUser = Callable[..., Awaitable[User]]
LIMIT = 3


async def _wait_open(server: OurChatServer, count: int) -> None:
    assert server.deps is not None
    for _ in range(500):
        if server.deps.bus.fanout.open_count == count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{server.deps.bus.fanout.open_count} streams open, not {count}")


async def test_the_oldest_stream_ends_when_a_user_opens_one_too_many(
    server: OurChatServer, settings: Settings, new_user: NewUser
) -> None:
    assert settings.max_streams_per_user == 32  # the default
    assert server.deps is not None
    server.deps.bus.fanout.streams_per_user = LIMIT
    alice, bob = await new_user("alice"), await new_user("bob")
    await alice.client.add_friend(friend_id=bob.id)
    session_id = (await bob.client.accept_friend_invitation(friend_id=alice.id)).session_id
    since = server.deps.clock.now_us() + 1  # after the friendship events
    alices = []
    for _ in range(LIMIT):
        alices.append(Stream(alice.client, since))
        await _wait_open(server, len(alices))
    bobs = Stream(bob.client, since)
    await _wait_open(server, LIMIT + 1)

    newest = Stream(alice.client, since)
    await alices[0].wait_for(1)
    assert alices[0].error is not None
    assert (alices[0].error.code, alices[0].error.detail) == (
        grpc.StatusCode.UNAVAILABLE,
        details.TOO_MANY_STREAMS,
    )
    await _wait_open(server, LIMIT + 1)

    sent = await bob.client.send_msg(session_id, "still there?")
    for stream in [*alices[1:], newest, bobs]:
        events = await stream.wait_for(1)
        assert [e.msg_id for e in events] == [sent.msg_id]  # type: ignore[attr-defined]
        assert stream.error is None
    assert alices[0].events == []
    for stream in [*alices, newest, bobs]:
        await stream.close()
