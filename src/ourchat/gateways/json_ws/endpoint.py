"""``GET /v1/json``: the WebSocket of the JSON protocol, one request frame at a time.

``?v=3`` (default), ``?v=2`` or ``?v=1`` picks the version. A frame that is not a JSON
object, has an unknown code, misses a field or comes before login (except the version's
public codes) gets the version's error frame; the connection stays open.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

from starlette.websockets import WebSocket

from ourchat import details
from ourchat.deps import Deps
from ourchat.errors import OurChatError
from ourchat.gateways.json_ws.connection import Connection
from ourchat.gateways.json_ws.frames import FrameError
from ourchat.gateways.json_ws.v1 import V1
from ourchat.gateways.json_ws.v2 import V2
from ourchat.gateways.json_ws.v3 import V3
from ourchat.gateways.json_ws.versions import Version

log = logging.getLogger(__name__)

VERSIONS: dict[str, Version] = {"1": V1, "2": V2, "3": V3}
#: Largest text frame read (a bigger one is answered with the error frame).
MAX_FRAME_BYTES = 1 << 20
UNKNOWN_CODE = "Unknown Code"
NOT_LOGGED_IN = "Not Logged In"
UNSUPPORTED_VERSION = "Unsupported Version"


def json_endpoint(deps: Deps) -> Callable[[WebSocket], Awaitable[None]]:
    """The WebSocket endpoint bound to this process's dependencies."""

    async def endpoint(websocket: WebSocket) -> None:
        version = VERSIONS.get(websocket.query_params.get("v", "3"))
        await websocket.accept()
        if version is None:
            await websocket.close(code=1008, reason=UNSUPPORTED_VERSION)
            return
        address = websocket.client.host if websocket.client is not None else ""
        conn = Connection(deps, websocket, version, address)
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    return
                if message.get("text") is not None:
                    await _on_text(conn, message["text"])
                elif message.get("bytes") is not None:
                    await _on_bytes(conn, message["bytes"])
        finally:
            await conn.close()

    return endpoint


async def _on_text(conn: Connection, text: str) -> None:
    version = conn.version
    if len(text) > MAX_FRAME_BYTES:
        await conn.send(version.error(None, details.REQUEST_INVALID_VALUE))
        return
    try:
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise FrameError()
        code, payload = version.unwrap(raw)
    except (ValueError, RecursionError, FrameError):
        await conn.send(version.error(None, details.REQUEST_INVALID_VALUE))
        return
    handler = version.handlers.get(code)
    if handler is None:
        await conn.send(version.error(code, UNKNOWN_CODE))
        return
    if conn.user_id is None and code not in version.public_codes:
        await conn.send(version.error(code, NOT_LOGGED_IN))
        return
    try:
        await handler(conn, payload)
    except FrameError as exc:
        await conn.send(version.error(code, exc.detail))
    except OurChatError as exc:
        await conn.send(version.error(code, exc.detail))


async def _on_bytes(conn: Connection, data: bytes) -> None:
    receiver = conn.binary_receiver
    if receiver is None:
        await conn.send(conn.version.error(None, details.REQUEST_INVALID_VALUE))
        return
    try:
        await receiver(data)
    except (FrameError, OurChatError) as exc:
        conn.binary_receiver = None
        await conn.send(conn.version.error(None, exc.detail))
