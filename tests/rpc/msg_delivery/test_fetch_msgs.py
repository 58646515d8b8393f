"""FetchMsgs: replay then live, exact resume from a time, several streams, no duplicates."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import grpc

from ourchat import details
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import FetchMsgsRequest
from ourchat.client import UnavailableError
from ourchat.server.app import OurChatServer
from tests.helpers import Stream, User, expect_error, make_group

NewUser = Callable[..., Awaitable[User]]


async def _first(user: User, request: FetchMsgsRequest) -> object:
    async for event in user.client.stream("FetchMsgs", request):
        return event
    return None


async def test_time_is_required_and_must_be_valid(new_user: NewUser) -> None:
    alice = await new_user("alice")
    await expect_error(
        _first(alice, FetchMsgsRequest()), grpc.StatusCode.INVALID_ARGUMENT, details.TIME_MISSING
    )
    bad = FetchMsgsRequest()
    bad.time.seconds = 1
    bad.time.nanos = 1_500_000_000
    await expect_error(
        _first(alice, bad), grpc.StatusCode.INVALID_ARGUMENT, details.TIME_FORMAT_ERROR
    )


async def test_replay_then_live_in_order_with_matching_ids_and_times(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    session = await make_group(server.deps, alice, bob)
    sent = [await alice.client.send_msg(session, f"m{i}") for i in range(3)]
    stream = Stream(bob.client)
    sent.append(await alice.client.send_msg(session, "m3"))
    events = await stream.wait_for(4)
    assert [e.msg_id for e in events] == [s.msg_id for s in sent]  # type: ignore[attr-defined]
    assert [e.time for e in events] == [s.time for s in sent]  # type: ignore[attr-defined]
    assert [e.msg.markdown_text for e in events] == ["m0", "m1", "m2", "m3"]  # type: ignore[attr-defined]
    await stream.close()


async def test_resume_from_last_time_returns_exactly_what_was_missed(
    server: OurChatServer, new_user: NewUser
) -> None:
    """The clock stands still, so every event shares one wall-clock microsecond."""
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    session = await make_group(server.deps, alice, bob)
    first = Stream(bob.client)
    for i in range(3):
        await alice.client.send_msg(session, f"seen{i}")
    seen = await first.wait_for(3)
    await first.close()
    missed = [await alice.client.send_msg(session, f"missed{i}") for i in range(4)]
    last_time = seen[-1].time.ToMicroseconds()  # type: ignore[attr-defined]
    second = Stream(bob.client, since_us=last_time)
    events = await second.wait_for(4)
    assert [e.msg_id for e in await second.settle()] == [m.msg_id for m in missed]  # type: ignore[attr-defined]
    assert len({e.time.ToMicroseconds() for e in events}) == 4  # type: ignore[attr-defined]
    await second.close()


async def test_every_stream_of_a_user_gets_every_event(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    session = await make_group(server.deps, alice, bob)
    phone, laptop = Stream(bob.client), Stream(bob.client)
    sent = [await alice.client.send_msg(session, f"m{i}") for i in range(5)]
    for stream in (phone, laptop):
        events = await stream.wait_for(5)
        assert [e.msg_id for e in await stream.settle(0.1)] == [s.msg_id for s in sent]  # type: ignore[attr-defined]
        assert len(events) == 5
        await stream.close()


async def test_concurrent_sends_during_replay_arrive_once_and_all(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    session = await make_group(server.deps, alice, bob)
    server.deps.settings.fetch_msg_page_size = 7
    before = [await alice.client.send_msg(session, f"b{i}") for i in range(20)]

    async def sender() -> list[int]:
        return [(await alice.client.send_msg(session, f"d{i}")).msg_id for i in range(30)]

    task = asyncio.create_task(sender())
    stream = Stream(bob.client)
    during = await task
    expected = [s.msg_id for s in before] + during
    events = await stream.wait_for(len(expected), timeout=10)
    ids = [e.msg_id for e in await stream.settle()]  # type: ignore[attr-defined]
    assert ids == sorted(ids)
    assert ids == expected
    assert len(events) == 50
    await stream.close()


async def test_announcement_only_stream_gets_no_chat_messages(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    session = await make_group(server.deps, alice, bob)
    await alice.client.send_msg(session, "before")
    stream = Stream(bob.client, announcement_only=True)
    await alice.client.send_msg(session, "after")
    assert await stream.settle() == []
    await stream.close()


async def test_streams_end_unavailable_when_the_server_shuts_down(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    stream = Stream(alice.client)
    await asyncio.sleep(0.2)
    await server.stop(grace=1)
    await stream.wait_for(1)
    assert isinstance(stream.error, UnavailableError)
    assert stream.error.detail == details.SHUTTING_DOWN


async def test_resuming_at_the_newest_event_reads_no_history_but_misses_nothing(
    server: OurChatServer, new_user: NewUser
) -> None:
    deps = server.deps
    assert deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    session = await make_group(deps, alice, bob)
    last = await alice.client.send_msg(session, "seen")
    assert deps.bus.fanout.newest_time_us == last.time.ToMicroseconds()
    stream = Stream(bob.client, since_us=last.time.ToMicroseconds())
    assert await stream.settle() == []
    after = await alice.client.send_msg(session, "new")
    events = await stream.wait_for(1)
    assert [e.msg_id for e in events] == [after.msg_id]  # type: ignore[attr-defined]
    await stream.close()
    # Once the bus may have missed events, resuming streams read the database again.
    deps.bus.fanout.close_all(details.DELIVERY_UNAVAILABLE)
    again = Stream(bob.client, since_us=last.time.ToMicroseconds())
    assert [e.msg_id for e in await again.wait_for(1)] == [after.msg_id]  # type: ignore[attr-defined]
    await again.close()
