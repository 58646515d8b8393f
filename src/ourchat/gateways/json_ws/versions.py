"""What a version of the JSON protocol is: its framing, its codes and how it shows events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import FetchMsgsResponse
from ourchat.gateways.json_ws.frames import Json

if TYPE_CHECKING:
    from ourchat.gateways.json_ws.connection import Connection

#: Handles one request frame's payload; replies through ``conn.send``.
Handler = Callable[["Connection", Json], Awaitable[None]]


@dataclass(frozen=True)
class Version:
    """One version of the protocol.

    Attributes:
        number: 1, 2 or 3 (``?v=`` of the WebSocket URL).
        unwrap: a decoded frame → ``(code, payload)``; raises ``FrameError``.
        error: ``(request code or None, detail)`` → the version's error frame.
        handlers: request code → handler.
        public_codes: codes accepted before login.
        event_frames: one FetchMsgs event → the frames it becomes (maybe none).
        status_frame: maintenance on/off → the server-status push, if the version has one.
    """

    number: int
    unwrap: Callable[[Json], tuple[int, Json]]
    error: Callable[[int | None, str], Json]
    handlers: dict[int, Handler]
    public_codes: frozenset[int]
    event_frames: Callable[[Connection, FetchMsgsResponse], Awaitable[list[Json]]]
    status_frame: Callable[[bool], Json] | None = None
