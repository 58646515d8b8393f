"""SIGKILL under concurrent senders: every acknowledged message is stored exactly once.

A real server process is killed while several users send; it is restarted on the same
database, and after a few such cycles the stored messages are compared with every
acknowledgement the senders received.
"""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import select

from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import FetchMsgsResponse
from ourchat.client import OurChatClient, OurChatRpcError
from ourchat.clock import SystemClock
from ourchat.delivery.memory import InProcessBus
from ourchat.snowflake import SnowflakeGenerator
from ourchat.storage.engine import Database
from ourchat.storage.tables import events
from tests.helpers import User, make_group, register_user
from tests.test_durability import _free_port, _wait_ready

CYCLES = 3
SENDERS = 4
SEND_SECONDS = 1.0
MSG_KIND = 1


def _start(database_url: str, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "OURCHAT_DATABASE_URL": database_url,
        "OURCHAT_ARGON2_MEMORY_KIB": "1024",
        "OURCHAT_ARGON2_TIME_COST": "1",
        "OURCHAT_HTTP_PORT": "0",
        "OURCHAT_SEND_MSGS_PER_USER_PER_MINUTE": "0",
    }
    command = [sys.executable, "-m", "ourchat", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--data-dir", str(data_dir)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _send_until_killed(
    address: str, user: User, session_id: int, tag: str, acked: dict[str, int]
) -> None:
    """Send numbered messages until the server goes away; record each acknowledgement."""
    async with OurChatClient(address, token=user.client.token) as client:
        for i in range(100_000):
            text = f"{tag}-{i}"
            try:
                sent = await client.send_msg(session_id, text)
            except OurChatRpcError:
                return
            acked[text] = sent.msg_id


async def _stored(database_url: str, session_id: int) -> list[tuple[int, str]]:
    db = Database(database_url)
    try:
        async with db.read() as conn:
            rows = await conn.execute(
                select(events.c.msg_id, events.c.payload).where(
                    events.c.session_id == session_id, events.c.kind == MSG_KIND
                )
            )
            return [(int(r[0]), FetchMsgsResponse.FromString(r[1]).msg.markdown_text) for r in rows]
    finally:
        await db.dispose()


async def test_acknowledged_messages_survive_repeated_kills(
    database_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    address = f"127.0.0.1:{port}"
    acked: dict[str, int] = {}
    process = _start(database_url, tmp_path, port)
    try:
        async with OurChatClient(address) as setup:
            await _wait_ready(setup)
            users = [await register_user(OurChatClient(address), f"s{k}") for k in range(SENDERS)]
        db = Database(database_url)
        clock = SystemClock()
        deps = SimpleNamespace(
            db=db, bus=InProcessBus(), clock=clock, ids=SnowflakeGenerator(clock)
        )
        session_id = await make_group(deps, *users)  # type: ignore[arg-type]
        await db.dispose()
        for cycle in range(CYCLES):
            if cycle:
                process = _start(database_url, tmp_path, port)
                async with OurChatClient(address) as probe:
                    await _wait_ready(probe)
            senders = [
                asyncio.create_task(
                    _send_until_killed(address, user, session_id, f"c{cycle}-u{k}", acked)
                )
                for k, user in enumerate(users)
            ]
            await asyncio.sleep(SEND_SECONDS)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            async with asyncio.timeout(30):
                await asyncio.gather(*senders)
        for user in users:
            await user.client.close()
    finally:
        process.kill()
        process.wait(timeout=10)
    stored = await _stored(database_url, session_id)
    copies = collections.Counter(text for _, text in stored)
    by_text = {text: msg_id for msg_id, text in stored}
    assert len(acked) > CYCLES * SENDERS
    assert {text: copies[text] for text in acked if copies[text] != 1} == {}
    assert {text: by_text[text] for text in acked} == acked
    # Nothing is stored twice, acknowledged or not.
    assert max(copies.values()) == 1
    print(f"crash test: {CYCLES} cycles, {len(acked)} acknowledged, {len(stored)} stored")
