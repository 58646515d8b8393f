"""Two real server processes on one PostgreSQL database and one Redis behave as one server."""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

import grpc
import httpx
import pytest
import redis.asyncio as aioredis

from ourchat import details
from ourchat._pb.service.basic.v1.basic_pb2 import TimestampRequest
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import FetchMsgsResponse
from ourchat.client import E2EESession, OurChatClient, new_key_pair
from tests.conftest import IN_CI, PG_ENV
from tests.helpers import PASSWORD, Stream, User, expect_error, register_user
from tests.rpc.friends.common import befriend
from tests.scale.processes import ServerProcess, fresh_database, server_env


@dataclass
class Cluster:
    """Process A and process B, sharing a fresh database, one Redis channel and a data dir."""

    a: ServerProcess
    b: ServerProcess
    redis_url: str
    prefix: str


@pytest.fixture(scope="module")
def cluster(
    redis_server_url: str | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"the two-process tests need PostgreSQL ({PG_ENV})")
    if redis_server_url is None:
        pytest.skip("the two-process tests need Redis (OURCHAT_TEST_REDIS_URL)")
    try:
        database = fresh_database(base)
        database_url = database.__enter__()
    except Exception as exc:
        if IN_CI:
            raise
        pytest.skip(f"PostgreSQL at {PG_ENV} is unreachable: {exc}")
    try:
        root = tmp_path_factory.mktemp("cluster")
        prefix = f"ourchat-test-{uuid.uuid4().hex[:12]}"
        env = server_env(database_url, redis_server_url, prefix)
        data_dir = root / "data"  # shared: one file store for both
        a = ServerProcess("server-a", data_dir, env)
        b = ServerProcess("server-b", data_dir, env)
        try:
            a.start()  # A migrates the empty database first
            a.wait_ready()
            b.start()
            b.wait_ready()
            yield Cluster(a, b, redis_server_url, prefix)
        finally:
            statuses = (b.stop(), a.stop())
            assert statuses == (0, 0), (a.log(), b.log())
    finally:
        database.__exit__(None, None, None)


@pytest.fixture
async def clients(cluster: Cluster) -> AsyncIterator[list[OurChatClient]]:
    """Clients a test opens (closed after it)."""
    made: list[OurChatClient] = []
    yield made
    for client in made:
        await client.close()


@pytest.fixture
def on(clients: list[OurChatClient]) -> OnServer:
    return OnServer(clients)


class OnServer:
    """Opens clients to one process, optionally as an existing user."""

    def __init__(self, clients: list[OurChatClient]) -> None:
        self._clients = clients

    def __call__(self, server: ServerProcess, user: User | None = None) -> OurChatClient:
        client = OurChatClient(server.target, token=user.client.token if user else None)
        self._clients.append(client)
        return client


async def server_now(client: OurChatClient) -> int:
    return int((await client.call("Timestamp", TimestampRequest())).timestamp.ToMicroseconds())


def messages(events: list[object]) -> list[tuple[int, str]]:
    """``(msg_id, text)`` of the chat messages among stream events, in order."""
    found = []
    for event in events:
        assert isinstance(event, FetchMsgsResponse)
        if event.WhichOneof("respond_event_type") == "msg":
            found.append((event.msg_id, event.msg.markdown_text))
    return found


async def wait_messages(stream: Stream, count: int, timeout: float = 5.0) -> list[tuple[int, str]]:
    async with asyncio.timeout(timeout):
        while len(messages(stream.events)) < count and stream.error is None:
            await stream.wait_for(len(stream.events) + 1, timeout)
    return messages(stream.events)


async def send(client: OurChatClient, session_id: int, text: str) -> tuple[int, str]:
    response = await client.send_msg(session_id, text)
    return response.msg_id, text


async def two_friends(on: OnServer, cluster: Cluster) -> tuple[User, User, int]:
    """Alice registered on A, Bob on B, friends with a private session."""
    alice = await register_user(on(cluster.a), "alice")
    bob = await register_user(on(cluster.b), "bob")
    return alice, bob, await befriend(alice, bob)


async def kill_bus_connection(cluster: Cluster, server: ServerProcess) -> None:
    """Cut ``server``'s Redis subscriber connection from the Redis side."""
    admin = aioredis.Redis.from_url(cluster.redis_url)
    try:
        mine = f"ourchat-bus:{cluster.prefix}:events:{server.pid}:"
        clients = await admin.client_list(_type="pubsub")
        ids = [c["id"] for c in clients if str(c.get("name", "")).startswith(mine)]
        assert len(ids) == 1, clients
        await admin.client_kill_filter(_id=ids[0])
    finally:
        await admin.aclose()


async def metric(server: ServerProcess, name: str) -> float:
    """One unlabelled sample from the server's ``/metrics``."""
    async with httpx.AsyncClient() as http:
        body = (await http.get(f"http://127.0.0.1:{server.port}/metrics")).text
    for line in body.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


async def test_a_message_sent_through_a_reaches_streams_on_b_and_a_exactly_once(
    cluster: Cluster, on: OnServer
) -> None:
    alice, bob, session_id = await two_friends(on, cluster)
    since = await server_now(bob.client)
    on_b = Stream(bob.client, since)
    on_a = Stream(on(cluster.a, bob), since)
    alice_a = alice.client
    first = await send(alice_a, session_id, "first")
    assert await wait_messages(on_b, 1) == [first]
    assert await wait_messages(on_a, 1) == [first]
    # Both streams are live now, so this one can only arrive through the bus.
    received_before = await metric(cluster.b, "ourchat_bus_events_received_total")
    second = await send(alice_a, session_id, "second")
    assert await wait_messages(on_b, 2) == [first, second]
    assert await wait_messages(on_a, 2) == [first, second]
    await asyncio.sleep(0.3)
    assert messages(on_b.events) == [first, second]
    assert messages(on_a.events) == [first, second]
    assert on_a.error is None
    assert on_b.error is None
    assert await metric(cluster.b, "ourchat_bus_events_received_total") >= received_before + 1
    assert await metric(cluster.b, "ourchat_bus_lag_seconds_count") >= 1
    assert await metric(cluster.b, "ourchat_bus_connected") == 1
    await on_a.close()
    await on_b.close()


async def test_events_reach_only_their_audience_across_processes(
    cluster: Cluster, on: OnServer
) -> None:
    alice, bob, session_id = await two_friends(on, cluster)
    carol = await register_user(on(cluster.b), "carol")
    since = await server_now(bob.client)
    carol_stream = Stream(carol.client, since)
    bob_stream = Stream(bob.client, since)
    sent = await send(alice.client, session_id, "for bob only")
    assert await wait_messages(bob_stream, 1) == [sent]
    await asyncio.sleep(0.3)
    assert carol_stream.events == []
    assert carol_stream.error is None
    await carol_stream.close()
    await bob_stream.close()


async def test_replay_through_b_after_a_stream_on_a_was_cut_returns_what_was_missed(
    cluster: Cluster, on: OnServer
) -> None:
    alice, bob, session_id = await two_friends(on, cluster)
    since = await server_now(bob.client)
    bob_on_a = on(cluster.a, bob)
    stream = Stream(bob_on_a, since)
    seen = [await send(alice.client, session_id, f"seen {i}") for i in range(2)]
    assert await wait_messages(stream, 2) == seen
    last = stream.events[-1]
    assert isinstance(last, FetchMsgsResponse)
    last_time = last.time.ToMicroseconds()
    await bob_on_a.close()  # the connection to A drops
    await stream.close()

    missed = [await send(on(cluster.b, alice), session_id, f"missed {i}") for i in range(3)]
    resumed = Stream(bob.client, last_time)
    assert await wait_messages(resumed, 3) == missed
    await asyncio.sleep(0.3)
    assert messages(resumed.events) == missed
    assert len(resumed.events) == 3  # nothing else happened to Bob meanwhile
    await resumed.close()


async def test_losing_the_bus_under_a_live_stream_then_resuming_loses_nothing(
    cluster: Cluster, on: OnServer
) -> None:
    alice, bob, session_id = await two_friends(on, cluster)
    since = await server_now(bob.client)
    stream = Stream(bob.client, since)  # on B
    sent = [await send(alice.client, session_id, "before")]
    assert await wait_messages(stream, 1) == sent

    await kill_bus_connection(cluster, cluster.b)
    # Sent while B is re-subscribing: B's streams may never see these live.
    sent += [await send(alice.client, session_id, f"during {i}") for i in range(3)]
    async with asyncio.timeout(5):
        while stream.error is None:
            await stream.wait_for(len(stream.events) + 1)
    assert stream.error is not None
    assert (stream.error.code, stream.error.detail) == (
        grpc.StatusCode.UNAVAILABLE,
        details.DELIVERY_UNAVAILABLE,
    )
    got = messages(stream.events)
    assert got == sent[: len(got)]

    # The client reconnects with the time of the last event it saw, as clients do.
    last = stream.events[-1]
    assert isinstance(last, FetchMsgsResponse)
    resumed = await resume(bob.client, last.time.ToMicroseconds())
    sent.append(await send(alice.client, session_id, "after"))
    rest = await wait_messages(resumed, len(sent) - len(got))
    await asyncio.sleep(0.3)
    assert got + messages(resumed.events) == sent
    assert got + rest == sent
    await resumed.close()


async def resume(client: OurChatClient, since_us: int) -> Stream:
    """Open a stream from ``since_us``, retrying while the process is still without its bus."""
    async with asyncio.timeout(10):
        while True:
            stream = Stream(client, since_us)
            await asyncio.sleep(0.2)
            if stream.error is None:
                return stream
            assert stream.error.detail == details.DELIVERY_UNAVAILABLE
            await stream.close()


async def test_a_user_locked_out_on_a_is_locked_out_on_b(cluster: Cluster, on: OnServer) -> None:
    victim = await register_user(on(cluster.a), "victim")
    on_a = on(cluster.a)
    for _ in range(3):
        await expect_error(
            on_a.login("not the password", email=victim.email),
            grpc.StatusCode.UNAUTHENTICATED,
            details.WRONG_PASSWORD,
        )
    await expect_error(
        on(cluster.b).login(PASSWORD, email=victim.email),
        grpc.StatusCode.UNAUTHENTICATED,
        details.ACCOUNT_LOCKED,
    )
    await expect_error(
        on_a.login(PASSWORD, email=victim.email),
        grpc.StatusCode.UNAUTHENTICATED,
        details.ACCOUNT_LOCKED,
    )


async def test_a_chunked_upload_started_on_a_completes_on_b(cluster: Cluster, on: OnServer) -> None:
    uploader = await register_user(on(cluster.a), "uploader")
    on_a, on_b = uploader.client, on(cluster.b, uploader)
    started = await on_a.start_upload(hash=b"\0" * 32, size=1)  # learn the chunk size
    await on_a.cancel_upload(upload_id=started.upload_id)
    content = os.urandom(2 * started.chunk_size + 1000)
    started = await on_a.start_upload(hash=hashlib.sha3_256(content).digest(), size=len(content))
    pieces = [
        content[i : i + started.chunk_size] for i in range(0, len(content), started.chunk_size)
    ]
    assert len(pieces) == 3
    total = 0
    for chunk_id, piece in enumerate(pieces):  # chunks alternate between the processes
        client = on_a if chunk_id % 2 == 0 else on_b
        total = await client.upload_chunk(
            upload_id=started.upload_id, chunk_id=chunk_id, data=piece
        )
    assert total == len(content)
    key = await on_b.complete_upload(upload_id=started.upload_id)
    assert await on_a.download_bytes(key) == content
    assert await on_b.download_bytes(key) == content


async def test_an_encrypted_session_spans_both_processes(on: OnServer, cluster: Cluster) -> None:
    """Room keys and encrypted messages cross processes (over the Redis bus)."""
    alice_keys, bob_keys = new_key_pair(), new_key_pair()
    alice_client, bob_client = on(cluster.a), on(cluster.b)
    alice_id = (
        await alice_client.register("e2ee-a@example.com", PASSWORD, "alice", alice_keys.public_der)
    ).id
    bob_id = (
        await bob_client.register("e2ee-b@example.com", PASSWORD, "bob", bob_keys.public_der)
    ).id
    alice = User(alice_id, "", "e2ee-a@example.com", "alice", alice_client)
    bob = User(bob_id, "", "e2ee-b@example.com", "bob", bob_client)
    await befriend(alice, bob)
    alice_e2ee = E2EESession(alice_client, alice_keys.private_pem)
    bob_e2ee = E2EESession(bob_client, bob_keys.private_pem)
    read: list[str] = []

    async def follow(e2ee: E2EESession, into: list[str] | None) -> None:
        async for event in e2ee.events():
            if into is not None and event.WhichOneof("respond_event_type") == "msg":
                into.append(e2ee.decrypt(event.msg))

    tasks = [
        asyncio.create_task(follow(alice_e2ee, None)),
        asyncio.create_task(follow(bob_e2ee, read)),
    ]
    try:
        created = await alice_e2ee.new_session(members=[bob.id], name="secret")
        session_id = created.session_id

        def same_key() -> bool:
            key = alice_e2ee.room_key(session_id)
            return key is not None and bob_e2ee.room_key(session_id) == key

        await _eventually(same_key)
        await alice_e2ee.send(session_id, "across processes")
        await _eventually(lambda: "across processes" in read)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Return once ``condition()`` holds; fail after ``timeout`` seconds."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached in time")
