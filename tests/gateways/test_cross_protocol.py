"""gRPC, JSON and REST users befriend and chat, live and after reconnecting.

Once on one server (SQLite, and PostgreSQL when set), once on two processes sharing
PostgreSQL and Redis, each user talking to either process.
"""

from __future__ import annotations

from ourchat.server.app import OurChatServer
from tests.gateways import scenario
from tests.gateways.support import http_address
from tests.scale.test_two_processes import Cluster, cluster  # noqa: F401 (the fixture)


async def test_grpc_json_and_rest_users_chat_without_gap_or_duplicate(
    server: OurChatServer,
) -> None:
    here = (f"127.0.0.1:{server.port}", http_address(server))
    await scenario.run(here, here)


async def test_the_same_across_two_processes_on_postgresql_and_redis(
    cluster: Cluster,  # noqa: F811 (the imported fixture)
) -> None:
    a = (cluster.a.target, f"127.0.0.1:{cluster.a.http_port}")
    b = (cluster.b.target, f"127.0.0.1:{cluster.b.http_port}")
    await scenario.run(a, b)
