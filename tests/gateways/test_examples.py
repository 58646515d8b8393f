"""The example scripts of the gateways run against a real server."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from ourchat.server.app import OurChatServer
from tests.gateways.support import http_address

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


async def run(*args: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def test_json_protocol_example(server: OurChatServer) -> None:
    out = await run(
        str(EXAMPLES / "json_protocol_client.py"), http_address(server), "ann@example.com"
    )
    assert "hello from the JSON protocol" in out
    assert "'status': 0" in out


async def test_rest_api_example(server: OurChatServer) -> None:
    out = await run(str(EXAMPLES / "rest_api_client.py"), http_address(server), "13812345678")
    assert "'message': 'start'" in out
