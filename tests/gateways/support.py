"""Helpers for gateway tests: the address gateways listen on and a JSON-protocol client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

from ourchat.client import OurChatClient
from ourchat.gateways import directory
from ourchat.server.app import OurChatServer
from tests.helpers import User
from tests.rpc.files.support import deps_of

PASSWORD = "a3f1c2e4b5d6978812345678abcdefabcdef0123456789abcdef0123456789ab"


def http_address(server: OurChatServer) -> str:
    """``host:port`` of the server's HTTP side (where the gateways are mounted)."""
    assert server.http_port is not None
    return f"127.0.0.1:{server.http_port}"


class JsonClient:
    """One WebSocket speaking the JSON protocol; frames are read in the background."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.frames: list[dict[str, Any]] = []
        self.binary: list[bytes] = []
        self._new = asyncio.Event()
        self._reader = asyncio.create_task(self._read())
        self._seen = 0

    async def _read(self) -> None:
        try:
            async for data in self.socket:
                if isinstance(data, bytes):
                    self.binary.append(data)
                else:
                    self.frames.append(json.loads(data))
                self._new.set()
        except websockets.ConnectionClosed:
            pass

    async def send(self, frame: dict[str, Any] | str | bytes) -> None:
        """Send a frame (a dict as JSON text; str and bytes as they are)."""
        await self.socket.send(json.dumps(frame) if isinstance(frame, dict) else frame)

    async def next(self, code: int | None = None, timeout: float = 15.0) -> dict[str, Any]:
        """The next unread frame (with ``code``, skipping others when given)."""
        async with asyncio.timeout(timeout):
            while True:
                while self._seen < len(self.frames):
                    frame = self.frames[self._seen]
                    self._seen += 1
                    if code is None or frame.get("code") == code:
                        return frame
                self._new.clear()
                await self._new.wait()

    async def binary_frames(self, count: int, timeout: float = 15.0) -> list[bytes]:
        """The next ``count`` binary frames."""
        async with asyncio.timeout(timeout):
            while len(self.binary) < count:
                self._new.clear()
                await self._new.wait()
        taken, self.binary = self.binary[:count], self.binary[count:]
        return taken

    async def ask(self, frame: dict[str, Any], reply: int) -> dict[str, Any]:
        """Send ``frame`` and wait for the next frame with code ``reply``."""
        await self.send(frame)
        return await self.next(reply)

    async def quiet(self, delay: float = 0.3) -> list[dict[str, Any]]:
        """Frames that arrive within ``delay`` seconds (all marked read)."""
        await asyncio.sleep(delay)
        fresh = self.frames[self._seen :]
        self._seen = len(self.frames)
        return fresh

    @property
    def is_open(self) -> bool:
        """Whether the server kept the connection open."""
        return not self._reader.done()

    async def close(self) -> None:
        """Close the socket and stop reading."""
        await self.socket.close()
        self._reader.cancel()
        await asyncio.gather(self._reader, return_exceptions=True)


@asynccontextmanager
async def json_client(
    server: OurChatServer, version: int | None = None
) -> AsyncIterator[JsonClient]:
    """A JSON-protocol client of ``server`` (``version`` None: the default, v3)."""
    query = "" if version is None else f"?v={version}"
    async with websockets.connect(f"ws://{http_address(server)}/v1/json{query}") as socket:
        client = JsonClient(socket)
        try:
            yield client
        finally:
            await client.close()


async def as_user(server: OurChatServer, ocid: str, email: str, client: OurChatClient) -> User:
    """A gateway-made account as a test ``User`` (``client`` is any SDK client, for helpers)."""
    user_id = await directory.user_id_of(deps_of(server), ocid)
    assert user_id is not None
    return User(user_id, ocid, email, "", client)
