"""A burst of new FetchMsgs streams: every one starts (or ends with a status), none is lost.

The calls are opened from a thread on plain gRPC connections to the server's public port while
the server's event loop is held up, so they all reach the server before it accepts any, as when
thousands of clients reconnect at once to a busy server. With grpcio's default accept backlog
(1,000 waiting calls) a share of such calls never reached a handler: the client saw nothing at
all or a bare ``CANCELLED``, and the server logged nothing.
"""

from __future__ import annotations

import asyncio
import collections
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc

from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import (
    FetchMsgsRequest,
    FetchMsgsResponse,
)
from ourchat.server.app import OurChatServer
from tests.helpers import User

FETCH_MSGS = "/service.ourchat.v1.OurChatService/FetchMsgs"
STREAMS = 2000
CONNECTIONS = 20
#: Generous: on a loaded machine 2,000 streams take a while to start.
START_TIMEOUT_S = 90.0
#: A stream that never starts shows up as DEADLINE_EXCEEDED instead of hanging the test.
CALL_TIMEOUT_S = 150.0


def _open_all(target: str, request: bytes, token: str, opened: threading.Event) -> list[Any]:
    channels = [
        grpc.insecure_channel(target, options=[("grpc.use_local_subchannel_pool", 1)])
        for _ in range(CONNECTIONS)
    ]
    metadata = (("authorization", f"Bearer {token}"),)
    calls = [
        channels[i % CONNECTIONS].unary_stream(
            FETCH_MSGS, request_serializer=None, response_deserializer=None
        )(request, metadata=metadata, timeout=CALL_TIMEOUT_S)
        for i in range(STREAMS)
    ]
    opened.set()
    return [channels, calls]


def _first_event(call: Any) -> str:
    """What the stream brought first: an event (any), or the status it ended with."""
    try:
        frame = next(call)
    except grpc.RpcError as exc:
        return str(exc.code().name)
    FetchMsgsResponse.FromString(frame)
    return "event"


async def test_every_stream_of_a_burst_starts(
    server: OurChatServer, new_user: Callable[..., Awaitable[User]]
) -> None:
    deps = server.deps
    assert deps is not None
    # One account opens them all, for brevity: lift its per-user cap (tested on its own).
    deps.bus.fanout.streams_per_user = 0
    alice, bob = await new_user("alice"), await new_user("bob")
    await alice.client.add_friend(friend_id=bob.id)
    session_id = (await bob.client.accept_friend_invitation(friend_id=alice.id)).session_id
    # Reconnecting clients resume from their last event: nothing to replay.
    request = FetchMsgsRequest()
    request.time.FromMicroseconds(deps.bus.fanout.newest_time_us)
    token = bob.client.token
    assert token is not None
    opened = threading.Event()
    result: list[Any] = []
    opener = threading.Thread(
        target=lambda: result.extend(
            _open_all(f"127.0.0.1:{server.port}", request.SerializeToString(), token, opened)
        )
    )
    opener.start()
    # Hold the server's loop (this test's loop) until every call is on its way.
    assert opened.wait(START_TIMEOUT_S)
    time.sleep(1.0)  # noqa: ASYNC251 (blocking the loop is the point)
    opener.join()
    channels, calls = result
    try:
        fanout = deps.bus.fanout
        deadline = time.monotonic() + START_TIMEOUT_S
        while fanout.open_count < STREAMS and time.monotonic() < deadline:
            ended = sum(1 for c in calls if not c.is_active())
            if fanout.open_count + ended >= STREAMS:
                break
            await asyncio.sleep(0.05)
        await alice.client.send_msg(session_id, "are you all there?")
        with ThreadPoolExecutor(16) as pool:
            firsts = await asyncio.gather(
                *(asyncio.wrap_future(pool.submit(_first_event, c)) for c in calls)
            )
        outcomes = collections.Counter(firsts)
        assert outcomes == {"event": STREAMS}, outcomes
    finally:
        for call in calls:
            call.cancel()
        for channel in channels:
            channel.close()
