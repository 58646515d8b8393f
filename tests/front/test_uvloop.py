"""The server on uvloop, the loop ``ourchat serve`` picks where it is installed.

The rest of the suite runs on asyncio's own loop; here the same front, gRPC and HTTP paths
run on uvloop's, whose transports are of other classes. Each test runs its own loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import uvloop

from ourchat import event_loop
from ourchat.client import OurChatClient
from ourchat.config import Settings
from ourchat.server.app import OurChatServer
from tests.helpers import Stream, make_group, register_user


@asynccontextmanager
async def _server(tmp_path: Path) -> AsyncIterator[OurChatServer]:
    settings = Settings(
        host="127.0.0.1",
        port=0,
        data_dir=tmp_path / "data",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'ourchat.db'}",
        argon2_memory_kib=1024,
        argon2_time_cost=1,
        password_strength_limit=1,
    )
    server = OurChatServer(settings)
    await server.start()
    try:
        yield server
    finally:
        await server.stop(grace=0.5)


def _on_uvloop(scenario: Callable[[], Awaitable[None]]) -> None:
    async def main() -> None:
        assert event_loop.running_name() == "uvloop"
        await scenario()

    uvloop.run(main())


def test_auto_means_uvloop_where_it_is_installed() -> None:
    assert event_loop.resolve("auto") == "uvloop"
    assert event_loop.resolve("uvloop") == "uvloop"
    assert event_loop.resolve("asyncio") == "asyncio"


def test_native_grpc_and_http_share_the_port_on_uvloop(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with _server(tmp_path) as server:
            target = f"127.0.0.1:{server.port}"
            async with OurChatClient(target) as a, OurChatClient(target) as b:
                alice, bob = await register_user(a, "alice"), await register_user(b, "bob")
                assert server.deps is not None
                session = await make_group(server.deps, alice, bob)
                stream = Stream(bob.client)
                sent = await alice.client.send_msg(session, "on uvloop")
                [event] = await stream.wait_for(1)
                await stream.close()
            assert event.msg_id == sent.msg_id  # type: ignore[attr-defined]
            assert event.msg.markdown_text == "on uvloop"  # type: ignore[attr-defined]
            async with httpx.AsyncClient(base_url=f"http://{target}") as http:
                assert (await http.get("/v1/status")).status_code == 200

    _on_uvloop(scenario)


def test_a_client_that_leaves_mid_preface_does_not_stop_the_port(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with _server(tmp_path) as server:
            _, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(b"PRI * HTTP/2.0\r\n")
            await writer.drain()
            writer.close()
            await writer.wait_closed()
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as http:
                assert (await http.get("/v1/status")).status_code == 200

    _on_uvloop(scenario)
