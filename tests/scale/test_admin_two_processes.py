"""Server administration across two real processes on one PostgreSQL database and one Redis:
bans, maintenance (also over a restart), live settings and metrics agree everywhere."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass

import grpc
import pytest

from ourchat import details
from ourchat._pb.service.basic.server.v1.server_pb2 import RUNNING_STATUS_MAINTAINING
from ourchat.client import OurChatClient, OurChatRpcError
from tests.conftest import IN_CI, PG_ENV
from tests.helpers import PASSWORD, Stream, User, expect_error, register_user
from tests.scale.processes import CLI, ServerProcess, fresh_database, server_env

# Every process re-reads the shared state this often; a change shows within about this.
POLL_SECONDS = "0.2"


@dataclass
class Cluster:
    """Two server processes sharing a database, a Redis channel and a data dir."""

    a: ServerProcess
    b: ServerProcess
    env: dict[str, str]


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
        root = tmp_path_factory.mktemp("admin-cluster")
        env = server_env(database_url, redis_server_url, f"ourchat-test-{uuid.uuid4().hex[:12]}")
        env.update(
            OURCHAT_SERVER_STATE_POLL_SECONDS=POLL_SECONDS,
            OURCHAT_PROCESS_REPORT_INTERVAL_SECONDS="0.3",
            OURCHAT_DATA_DIR=str(root / "data"),
        )
        a = ServerProcess("server-a", root / "data", env)
        b = ServerProcess("server-b", root / "data", env)
        try:
            a.start()
            a.wait_ready()
            b.start()
            b.wait_ready()
            yield Cluster(a, b, env)
        finally:
            statuses = (b.stop(), a.stop())
            assert statuses == (0, 0), (a.log(), b.log())
    finally:
        database.__exit__(None, None, None)


@pytest.fixture
async def on(
    cluster: Cluster,
) -> AsyncIterator[Callable[[ServerProcess, User | None], OurChatClient]]:
    made: list[OurChatClient] = []

    def connect(server: ServerProcess, user: User | None = None) -> OurChatClient:
        client = OurChatClient(server.target, token=user.client.token if user else None)
        made.append(client)
        return client

    yield connect
    for client in made:
        await client.close()


def _grant_on_server_machine(cluster: Cluster, ocid: str) -> None:
    """``ourchat admin grant OCID`` with the servers' own settings."""
    done = subprocess.run(
        [sys.executable, "-c", CLI, "admin", "grant", ocid],
        env=cluster.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "now holds server role 1" in done.stdout


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    """Wait until ``check()`` is true."""
    async with asyncio.timeout(timeout):
        while not await check():  # noqa: ASYNC110 - another process changes, nothing to await
            await asyncio.sleep(0.05)


async def _admin(cluster: Cluster, on: Callable[..., OurChatClient]) -> User:
    admin = await register_user(on(cluster.a), "admin")
    _grant_on_server_machine(cluster, admin.ocid)
    return admin


async def test_a_ban_made_on_a_ends_streams_on_b_and_lifts_everywhere(
    cluster: Cluster, on: Callable[..., OurChatClient]
) -> None:
    admin = await _admin(cluster, on)
    bob = await register_user(on(cluster.b), "bob")
    stream = Stream(bob.client)
    await stream.settle(0.2)

    await admin.client.server_ban(bob.id, reason="spam")

    await stream.wait_for(1, timeout=5)
    assert stream.error is not None
    assert (stream.error.code, stream.error.detail) == (
        grpc.StatusCode.UNAUTHENTICATED,
        details.USER_BANNED,
    )
    await expect_error(
        bob.client.get_account_info(), grpc.StatusCode.UNAUTHENTICATED, details.USER_BANNED
    )
    await expect_error(
        on(cluster.b).login(PASSWORD, email=bob.email),
        grpc.StatusCode.UNAUTHENTICATED,
        details.USER_BANNED,
    )
    await on(cluster.b, admin).server_unban(bob.id)
    await bob.client.get_account_info()

    # A timed ban reaches B within a poll (B had just seen bob active) and lifts itself.
    await admin.client.server_ban(bob.id, duration_seconds=2)

    async def banned_on_b() -> bool:
        try:
            await bob.client.get_account_info()
        except OurChatRpcError as exc:
            return exc.detail == details.USER_BANNED
        return False

    await eventually(banned_on_b, timeout=1.5)
    await asyncio.sleep(2.1)
    await bob.client.get_account_info()
    await stream.close()


async def test_maintenance_set_on_a_holds_on_b_and_over_a_restart(
    cluster: Cluster, on: Callable[..., OurChatClient]
) -> None:
    admin = await _admin(cluster, on)
    bob = await register_user(on(cluster.b), "bob")
    stream = Stream(bob.client)
    await stream.settle(0.2)
    try:
        await admin.client.set_maintenance(True, "upgrade")
        await stream.wait_for(1, timeout=5)
        assert stream.error is not None
        assert (stream.error.code, stream.error.detail) == (
            grpc.StatusCode.UNAVAILABLE,
            details.SERVER_MAINTAINING,
        )
        anonymous_b = on(cluster.b)
        assert (await anonymous_b.get_server_info()).status == RUNNING_STATUS_MAINTAINING
        await expect_error(
            bob.client.get_account_info(), grpc.StatusCode.UNAVAILABLE, details.SERVER_MAINTAINING
        )

        assert cluster.b.stop() == 0
        cluster.b.start()
        cluster.b.wait_ready()
        restarted = on(cluster.b)
        assert (await restarted.get_server_info()).status == RUNNING_STATUS_MAINTAINING

        await on(cluster.b, admin).set_maintenance(False)

        async def running_on_a() -> bool:
            return (await on(cluster.a).get_server_info()).status == 0

        await eventually(running_on_a)
        await on(cluster.b, bob).get_account_info()
    finally:
        await stream.close()
        with contextlib.suppress(OurChatRpcError):
            await on(cluster.a, admin).set_maintenance(False)


async def test_a_live_setting_changed_on_a_applies_on_b_a_restart_one_is_reported(
    cluster: Cluster, on: Callable[..., OurChatClient]
) -> None:
    admin = await _admin(cluster, on)
    on_b = on(cluster.b, admin)
    session = (await on_b.new_session(name="settings")).session_id
    await on_b.send_msg(session, "x" * 100)

    changed = await admin.client.set_config("max_message_bytes = 64")
    assert not changed.requires_restart

    async def refused_on_b() -> bool:
        try:
            await on_b.send_msg(session, "x" * 100)
        except OurChatRpcError as exc:
            return exc.detail == details.REQUEST_INVALID_VALUE
        return False

    await eventually(refused_on_b)
    restart = await on_b.set_config("db_pool_size = 4")
    assert list(restart.restart_reasons) == ["Field 'db_pool_size' requires restart"]
    await admin.client.set_config("max_message_bytes = 16384")


async def test_metrics_count_streams_on_every_process(
    cluster: Cluster, on: Callable[..., OurChatClient]
) -> None:
    admin = await _admin(cluster, on)
    bob = await register_user(on(cluster.b), "bob")
    baseline = (await admin.client.monitoring_metrics(runtime=True)).active_connections
    streams = [Stream(bob.client), Stream(bob.client), Stream(on(cluster.a, bob))]
    try:

        async def counted() -> bool:
            m = await admin.client.monitoring_metrics(runtime=True)
            return m.active_connections == baseline + 3 and m.tokio.runtime.workers_count == 2

        await eventually(counted)
    finally:
        for stream in streams:
            await stream.close()
