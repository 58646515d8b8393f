"""Calls across processes: two aiortc peers on two servers sharing PostgreSQL and Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from ourchat.client import OurChatClient
from tests.conftest import IN_CI, PG_ENV
from tests.helpers import register_user
from tests.rpc.webrtc.calls_scenario import real_call
from tests.scale.processes import ServerProcess, fresh_database, server_env


@pytest.fixture(scope="module")
def servers(
    redis_server_url: str | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Processes A and B on one fresh database and one Redis channel, without STUN servers."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"the two-process call test needs PostgreSQL ({PG_ENV})")
    if redis_server_url is None:
        pytest.skip("the two-process call test needs Redis (OURCHAT_TEST_REDIS_URL)")
    try:
        database = fresh_database(base)
        database_url = database.__enter__()
    except Exception as exc:
        if IN_CI:
            raise
        pytest.skip(f"PostgreSQL at {PG_ENV} is unreachable: {exc}")
    try:
        root = tmp_path_factory.mktemp("calls")
        prefix = f"ourchat-test-{uuid.uuid4().hex[:12]}"
        env = {**server_env(database_url, redis_server_url, prefix), "OURCHAT_STUN_SERVERS": "[]"}
        a = ServerProcess("server-a", root / "data", env)
        b = ServerProcess("server-b", root / "data", env)
        try:
            a.start()  # A migrates the empty database first
            a.wait_ready()
            b.start()
            b.wait_ready()
            yield a, b
        finally:
            statuses = (b.stop(), a.stop())
            assert statuses == (0, 0), (a.log(), b.log())
    finally:
        database.__exit__(None, None, None)


@pytest.fixture
async def clients(
    servers: tuple[ServerProcess, ServerProcess],
) -> AsyncIterator[tuple[OurChatClient, OurChatClient]]:
    a, b = servers
    pair = OurChatClient(a.target), OurChatClient(b.target)
    yield pair
    for client in pair:
        await client.close()


async def test_a_real_call_between_users_on_two_processes(
    clients: tuple[OurChatClient, OurChatClient],
) -> None:
    on_a, on_b = clients
    await real_call(await register_user(on_a, "alice"), await register_user(on_b, "bob"))
