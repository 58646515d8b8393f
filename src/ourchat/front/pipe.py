"""Two transports joined: bytes from one are written to the other, with flow control both ways.

Protocols (not streams): each chunk the loop reads is written on at once, with no task, no
queue and no copy beyond the kernel's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import cast


class PipeEnd(asyncio.Protocol):
    """One side of a pipe: what it reads goes to ``peer``; pauses ``peer`` when it is full."""

    def __init__(self, on_close: Callable[[], None] | None = None) -> None:
        self.transport: asyncio.Transport | None = None
        self.peer: PipeEnd | None = None
        self._on_close = on_close
        self._early = bytearray()  # read before the other end was joined

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def write(self, data: bytes) -> None:
        """Send ``data`` to this side's transport."""
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def data_received(self, data: bytes) -> None:
        if self.peer is not None:
            self.peer.write(data)
        else:
            self._early += data

    def flush_early(self) -> None:
        """Pass on what was read before the pipe was joined (a server's first SETTINGS)."""
        if self._early and self.peer is not None:
            early, self._early = bytes(self._early), bytearray()
            self.peer.write(early)

    def eof_received(self) -> bool:
        # HTTP/2 has no half-closed connections: one side done means both are.
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.close()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.close()
        if self._on_close is not None:
            self._on_close()
            self._on_close = None

    def pause_writing(self) -> None:
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.resume_reading()


def join(
    client: asyncio.Transport,
    upstream: PipeEnd,
    first_bytes: bytes,
    on_close: Callable[[], None] | None = None,
) -> PipeEnd:
    """Make ``client`` (an accepted transport) the other end of ``upstream``; returns its end."""
    downstream = PipeEnd(on_close)
    downstream.connection_made(client)
    downstream.peer, upstream.peer = upstream, downstream
    client.set_protocol(downstream)
    if first_bytes:
        upstream.write(first_bytes)
    upstream.flush_early()
    client.resume_reading()
    return downstream
