"""A message acknowledged to its sender survives the server being killed right after the ack."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from ourchat.client import OurChatClient
from ourchat.clock import SystemClock
from ourchat.delivery.memory import InProcessBus
from ourchat.snowflake import SnowflakeGenerator
from ourchat.storage.engine import Database
from tests.helpers import make_group, register_user


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "OURCHAT_ARGON2_MEMORY_KIB": "1024",
        "OURCHAT_ARGON2_TIME_COST": "1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ourchat",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _wait_ready(client: OurChatClient) -> None:
    from ourchat._pb.service.basic.v1.basic_pb2 import PingRequest
    from ourchat.client import UnavailableError

    async with asyncio.timeout(20):
        while True:
            try:
                await client.call("Ping", PingRequest(), timeout=1)
                return
            except UnavailableError:
                await asyncio.sleep(0.1)


async def test_acknowledged_messages_survive_a_kill(tmp_path: Path) -> None:
    port = _free_port()
    process = _start(tmp_path, port)
    try:
        async with OurChatClient(f"127.0.0.1:{port}") as client:
            await _wait_ready(client)
            alice = await register_user(client, "alice")
            db = Database(f"sqlite+aiosqlite:///{tmp_path / 'ourchat.db'}")
            clock = SystemClock()
            deps = SimpleNamespace(
                db=db, bus=InProcessBus(), clock=clock, ids=SnowflakeGenerator(clock)
            )
            session = await make_group(deps, alice)  # type: ignore[arg-type]
            await db.dispose()
            acked = [(await client.send_msg(session, f"m{i}")).msg_id for i in range(25)]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        process = _start(tmp_path, port)
        async with OurChatClient(f"127.0.0.1:{port}", token=alice.client.token) as client:
            await _wait_ready(client)
            seen: list[int] = []
            async with asyncio.timeout(10):
                async for event in client.fetch_msgs():
                    seen.append(event.msg_id)
                    if len(seen) == len(acked):
                        break
        assert seen == acked
    finally:
        process.kill()
        process.wait(timeout=10)


async def test_sigterm_ends_streams_and_exits_cleanly(tmp_path: Path) -> None:
    from ourchat import details
    from ourchat.client import UnavailableError

    port = _free_port()
    process = _start(tmp_path, port)
    try:
        async with OurChatClient(f"127.0.0.1:{port}") as client:
            await _wait_ready(client)
            await register_user(client, "alice")

            async def read() -> BaseException | None:
                try:
                    async for _ in client.fetch_msgs():
                        pass
                except UnavailableError as exc:
                    return exc
                return None

            reader = asyncio.create_task(read())
            await asyncio.sleep(0.5)
            process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(15):
                error = await reader
            assert isinstance(error, UnavailableError)
            assert error.detail == details.SHUTTING_DOWN
        assert process.wait(timeout=15) == 0
    finally:
        process.kill()
        process.wait(timeout=10)
