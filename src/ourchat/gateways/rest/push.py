"""``GET /api/v1/push``: the REST API's push WebSocket with heartbeats and acknowledgements.

Packets are the seed's ``{"status", "pushId", "message"}``: ``message`` "start" (first
connection) or "restart" (a later one) on connecting, "" for a heartbeat (every
:data:`HEARTBEAT_SECONDS`, and in answer to the client's), and for each chat message a list
of one ``{chatId, fromId, toId, type, info, createTime}`` with ``pushId`` its event id. The
client acknowledges each with ``{"fromId", "toId", "chatId", "content": "ok"}`` (``pushId``
optional); what is not acknowledged when the connection ends is pushed again on the next
one, since the acknowledged position is stored. Anything else gets ``status`` 0 and the
connection stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from ourchat import details
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import (
    FetchMsgsRequest,
    FetchMsgsResponse,
)
from ourchat.deps import Deps
from ourchat.errors import OurChatError, Unauthenticated, Unavailable
from ourchat.gateways import calls, directory
from ourchat.gateways.markdown import TEXT, to_items
from ourchat.gateways.rest.profiles import file_path
from ourchat.rpc.convert import timestamp, timestamp_us
from ourchat.rpc.msg_delivery import fetch_msgs
from ourchat.storage import rest_profiles

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30.0
PRIVATE, GROUP = 1, 7
#: category of each item kind (text, image, file; voice is sent as a file).
_CATEGORY = {TEXT: 0, 1: 1, 2: 3}


def _packet(message: Any, push_id: str = "", status: int = 1) -> str:
    return json.dumps({"status": status, "pushId": push_id, "message": message})


class _Pusher:
    def __init__(self, deps: Deps, websocket: WebSocket, user_id: int, token: str) -> None:
        self.deps, self.websocket, self.user_id, self.token = deps, websocket, user_id, token
        self.lock = asyncio.Lock()
        #: Pushed, not yet acknowledged: (msg_id, time_us, (chatId, fromId, toId), acked).
        self.outstanding: list[list[Any]] = []

    async def send(self, text: str) -> None:
        async with self.lock:
            if self.websocket.application_state == WebSocketState.CONNECTED:
                with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
                    await self.websocket.send_text(text)

    async def message_of(self, event: FetchMsgsResponse) -> dict[str, Any] | None:
        if event.WhichOneof("respond_event_type") != "msg":
            return None
        msg = event.msg
        session = await directory.session_kind(self.deps, msg.session_id)
        private = session is not None and session.is_private
        to_id = session.other_member(msg.sender_id) if private and session else msg.session_id
        info = [
            {
                "category": _CATEGORY[item.kind],
                "content": item.value if item.kind == TEXT else file_path(item.value),
            }
            for item in to_items(msg.markdown_text, list(msg.involved_files))
        ]
        return {
            "chatId": str(msg.session_id),
            "fromId": str(msg.sender_id),
            "toId": str(to_id or 0),
            "type": PRIVATE if private else GROUP,
            "info": info,
            "createTime": datetime.fromtimestamp(timestamp_us(event.time) / 1e6, UTC).isoformat(),
        }

    async def push(self, since_us: int, after_id: int) -> None:
        last_id, last_time = after_id, since_us
        while True:
            try:
                async for raw in calls.stream(
                    self.deps,
                    calls.OURCHAT + "FetchMsgs",
                    fetch_msgs.handle,
                    FetchMsgsRequest(time=timestamp(last_time)),
                    token=self.token,
                    address=self.address,
                ):
                    event = FetchMsgsResponse.FromString(raw)
                    if event.msg_id <= last_id:
                        continue
                    last_id, last_time = event.msg_id, timestamp_us(event.time)
                    message = await self.message_of(event)
                    if message is None:
                        await self.acknowledge_position(event.msg_id, last_time)
                        continue
                    key = (message["chatId"], message["fromId"], message["toId"])
                    self.outstanding.append([event.msg_id, last_time, key, False])
                    await self.send(_packet([message], str(event.msg_id)))
            except Unavailable as exc:
                if exc.detail in (details.STREAM_LAGGED,):
                    await asyncio.sleep(0.05)
                    continue
                await self.send(_packet(exc.detail, status=0))
                await self.websocket.close(code=1013)
                return
            except OurChatError as exc:
                await self.send(_packet(exc.detail, status=0))
                await self.websocket.close(code=1008)
                return

    @property
    def address(self) -> str:
        client = self.websocket.client
        return client.host if client is not None else ""

    async def acknowledge_position(self, msg_id: int, time_us: int) -> None:
        """A non-message event: acknowledged at once if nothing earlier is outstanding."""
        if not self.outstanding:
            async with self.deps.db.write() as conn:
                await rest_profiles.set_push_cursor(conn, self.user_id, msg_id, time_us)

    async def on_ack(self, ack: dict[str, Any]) -> bool:
        push_id = str(ack.get("pushId") or "")
        key = (str(ack.get("chatId", "")), str(ack.get("fromId", "")), str(ack.get("toId", "")))
        for entry in self.outstanding:
            if entry[3]:
                continue
            if (push_id and str(entry[0]) == push_id) or (not push_id and entry[2] == key):
                entry[3] = True
                break
        else:
            return False
        done = None
        while self.outstanding and self.outstanding[0][3]:
            done = self.outstanding.pop(0)
        if done is not None:
            async with self.deps.db.write() as conn:
                await rest_profiles.set_push_cursor(conn, self.user_id, done[0], done[1])
        return True

    async def heartbeats(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            await self.send(_packet(""))


def endpoint(deps: Deps, cookie: str) -> Callable[[WebSocket], Awaitable[None]]:
    """The push WebSocket, authenticated by the session cookie."""

    async def push_socket(websocket: WebSocket) -> None:
        await websocket.accept()
        token = websocket.cookies.get(cookie, "")
        address = websocket.client.host if websocket.client is not None else ""
        try:
            if not token:
                raise Unauthenticated(details.TOKEN_MISSING)
            user_id = await calls.enter(
                deps, calls.OURCHAT + "FetchMsgs", token=token, address=address
            )
        except OurChatError as exc:
            await websocket.send_text(_packet(exc.detail, status=0))
            await websocket.close(code=1008)
            return
        assert user_id is not None
        async with deps.db.read() as conn:
            cursor = await rest_profiles.push_cursor(conn, user_id)
        pusher = _Pusher(deps, websocket, user_id, token)
        if cursor is None:
            since_us, after_id = deps.bus.fanout.newest_time_us, 0
            async with deps.db.write() as conn:
                await rest_profiles.set_push_cursor(conn, user_id, 0, since_us)
        else:
            after_id, since_us = cursor
        await pusher.send(_packet("start" if cursor is None else "restart"))
        tasks = [
            asyncio.create_task(pusher.push(since_us, after_id)),
            asyncio.create_task(pusher.heartbeats()),
        ]
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    return
                await _on_client_packet(pusher, message.get("text"))
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    return push_socket


async def _on_client_packet(pusher: _Pusher, text: str | None) -> None:
    try:
        packet = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        packet = None
    if not isinstance(packet, dict):
        await pusher.send(_packet(details.REQUEST_INVALID_VALUE, status=0))
        return
    if packet.get("content") == "ok":
        if not await pusher.on_ack(packet):
            await pusher.send(_packet("unknown acknowledgement", status=0))
        return
    if packet.get("message", None) == "":
        await pusher.send(_packet(""))  # a heartbeat answered
        return
    await pusher.send(_packet(details.REQUEST_INVALID_VALUE, status=0))
