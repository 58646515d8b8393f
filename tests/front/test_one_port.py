"""The front: one port for native gRPC and HTTP, the real client address, one server per port."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import grpc
import httpx
import pytest

from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.front.addresses import ClientAddresses
from ourchat.front.listener import PREFACE, PortInUse
from ourchat.server.app import OurChatServer


async def test_the_http2_preface_goes_to_grpc_even_in_pieces(server: OurChatServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    for piece in (PREFACE[:3], PREFACE[3:10], PREFACE[10:]):
        writer.write(piece)
        await writer.drain()
        await asyncio.sleep(0.05)
    writer.write(b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")  # an empty SETTINGS frame
    await writer.drain()
    async with asyncio.timeout(10):
        header = await reader.readexactly(9)
    assert header[3] == 0x04  # grpcio answers with its own SETTINGS frame
    writer.close()


async def test_http_requests_on_the_same_port(server: OurChatServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    async with asyncio.timeout(10):
        status_line = await reader.readline()
    assert status_line.startswith(b"HTTP/1.1 200")
    writer.close()


async def test_native_connections_are_known_by_their_real_address(
    server: OurChatServer, new_user: object
) -> None:
    assert server.port is not None
    front = server._front
    assert front is not None
    before = len(front.addresses)
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        await channel.unary_unary("/service.basic.v1.BasicService/Ping")(b"", timeout=10)
        assert len(front.addresses) == before + 1
    for _ in range(1000):
        if len(front.addresses) == before:
            break
        await asyncio.sleep(0.01)
    assert len(front.addresses) == before


def test_peer_strings_map_to_the_client_address() -> None:
    addresses = ClientAddresses()
    addresses.add(51234, "203.0.113.9")
    assert addresses.of_peer("ipv4:127.0.0.1:51234") == "203.0.113.9"
    assert addresses.of_peer("ipv4:127.0.0.1:51235") == "127.0.0.1"
    assert addresses.of_peer("ipv6:[::1]:51234") == "203.0.113.9"
    addresses.remove(51234)
    assert addresses.of_peer("ipv4:127.0.0.1:51234") == "127.0.0.1"


async def test_a_second_server_cannot_take_the_port(
    server: OurChatServer, settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    taken = settings.model_copy(update={"port": server.port, "data_dir": tmp_path / "other"})
    second = OurChatServer(taken, clock=clock)
    with pytest.raises(PortInUse):
        await second.start()
    await second.stop(grace=0)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as http:
        assert (await http.get("/v1/status")).status_code == 200


def test_serve_refuses_a_port_in_use_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("OURCHAT_")}
        result = subprocess.run(
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
                str(tmp_path / "data"),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
    assert result.returncode == 2
    assert result.stderr == (
        f"error: port {port} on 127.0.0.1 is already in use; is another server running? (--port)\n"
    )
    assert not (tmp_path / "data").exists()  # nothing was touched
