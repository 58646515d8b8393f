"""One JSON-protocol connection: who is logged in, sending frames, and the push of events.

The push runs FetchMsgs (the same handler as gRPC) for the logged-in account, so catch-up and
live delivery follow its no-gap, no-duplicate rule; each event becomes the frames of the
connection's version. When maintenance ends the stream, the push waits and resumes from the
last event it sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from ourchat import details
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import (
    FetchMsgsRequest,
    FetchMsgsResponse,
)
from ourchat.deps import Deps
from ourchat.errors import OurChatError, Unauthenticated, Unavailable
from ourchat.gateways import calls
from ourchat.gateways.json_ws.frames import Json
from ourchat.rpc.convert import timestamp, timestamp_us
from ourchat.rpc.msg_delivery import fetch_msgs

if TYPE_CHECKING:
    from ourchat.gateways.json_ws.versions import Version

log = logging.getLogger(__name__)

R = TypeVar("R")

FETCH_MSGS = calls.OURCHAT + "FetchMsgs"
_MAINTENANCE_POLL_SECONDS = 0.2
_RESUME_PAUSE_SECONDS = 0.05


@dataclass
class Connection:
    """The state of one WebSocket speaking one version of the JSON protocol."""

    deps: Deps
    websocket: WebSocket
    version: Version
    address: str
    token: str | None = None
    user_id: int | None = None
    ocid: str = ""
    #: The address a verification (codes 13 to 15) is for, once the server asked for one.
    verifying_email: str | None = None
    #: Where the next binary frame goes (v1's image and file packages), if anywhere.
    binary_receiver: Callable[[bytes], Awaitable[None]] | None = None
    _send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _push: asyncio.Task[None] | None = None
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    @property
    def base_url(self) -> str:
        """``http(s)://host:port`` the client reached us at (for avatar URLs)."""
        url = self.websocket.url
        scheme = "https" if url.scheme in ("wss", "https") else "http"
        return f"{scheme}://{url.netloc}"

    async def send(self, frame: Json) -> None:
        """Send one frame (frames never interleave); a closed socket is ignored."""
        text = json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
        async with self._send_lock:
            if self.websocket.application_state != WebSocketState.CONNECTED:
                return
            with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
                await self.websocket.send_text(text)

    async def send_with_packages(self, frame: Json, packages: list[bytes]) -> None:
        """Send a frame and then binary frames, with nothing in between."""
        text = json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
        async with self._send_lock:
            if self.websocket.application_state != WebSocketState.CONNECTED:
                return
            with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
                await self.websocket.send_text(text)
                for package in packages:
                    await self.websocket.send_bytes(package)

    async def call(
        self,
        method: str,
        handle: Callable[[Deps, Any, Any], Awaitable[R]],
        request: Any,
        *,
        authenticated: bool = True,
    ) -> R:
        """Run an ``rpc/`` handler as this connection's account (see :func:`calls.call`)."""
        token = self.token if authenticated else None
        if authenticated and token is None:
            raise Unauthenticated(details.TOKEN_MISSING)
        return await calls.call(
            self.deps, method, handle, request, token=token, address=self.address
        )

    def spawn(self, work: Awaitable[None]) -> None:
        """Run ``work`` beside the frame loop (cancelled when the connection closes)."""

        async def guarded() -> None:
            try:
                await work
            except Exception:
                log.exception("JSON connection task failed")

        task = asyncio.create_task(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def log_in(self, *, token: str, user_id: int, ocid: str, since_us: int, after_id: int) -> None:
        """Remember the account and start pushing its events after ``since_us``."""
        self.log_out()
        self.token, self.user_id, self.ocid = token, user_id, ocid
        self._push = asyncio.create_task(self._push_events(token, since_us, after_id))

    def log_out(self) -> None:
        """Forget the account and stop its push."""
        self.token, self.user_id, self.ocid = None, None, ""
        if self._push is not None:
            self._push.cancel()
            self._push = None

    async def close(self) -> None:
        """Stop everything this connection runs."""
        push = self._push
        self.log_out()
        tasks = [*self._tasks, *([push] if push is not None else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _push_events(self, token: str, since_us: int, after_id: int) -> None:
        last_id, last_time = after_id, since_us
        while True:
            try:
                request = FetchMsgsRequest(time=timestamp(last_time))
                async for raw in calls.stream(
                    self.deps,
                    FETCH_MSGS,
                    fetch_msgs.handle,
                    request,
                    token=token,
                    address=self.address,
                ):
                    event = FetchMsgsResponse.FromString(raw)
                    if event.msg_id <= last_id:
                        continue
                    for frame in await self.version.event_frames(self, event):
                        await self.send(frame)
                    last_id, last_time = event.msg_id, timestamp_us(event.time)
            except Unavailable as exc:
                if exc.detail == details.SERVER_MAINTAINING:
                    await self._wait_out_maintenance()
                    continue
                if exc.detail != details.TOO_MANY_STREAMS:
                    await asyncio.sleep(_RESUME_PAUSE_SECONDS)
                    continue  # the stream fell behind: resume from the last event sent
                await self.send(self.version.error(None, exc.detail))
                return
            except OurChatError as exc:
                await self.send(self.version.error(None, exc.detail))
                if isinstance(exc, Unauthenticated):
                    self.token, self.user_id, self.ocid = None, None, ""
                    self._push = None
                return

    async def _wait_out_maintenance(self) -> None:
        status = self.version.status_frame
        if status is not None:
            await self.send(status(True))
        while self.deps.shared.maintenance:  # noqa: ASYNC110 (set by a poll of the database)
            await asyncio.sleep(_MAINTENANCE_POLL_SECONDS)
        if status is not None:
            await self.send(status(False))
