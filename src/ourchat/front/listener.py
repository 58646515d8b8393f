"""The public listener: one port for native gRPC, gRPC-Web and HTTP (and TLS, when configured).

Each accepted connection is sorted by its first bytes (or, over TLS, by the ALPN protocol the
client chose):

* the HTTP/2 connection preface (``PRI * HTTP/2.0``), or ALPN ``h2``: native gRPC. The front
  opens a connection to grpcio, listening on an internal loopback port, and joins the two
  (:mod:`ourchat.front.pipe`). The local port of that internal connection maps to the client's
  real address (:class:`ourchat.front.addresses.ClientAddresses`), so rate limits and lock-outs
  see the real peer;
* anything else: HTTP/1.1. The connection is handed over in-process to the HTTP side's uvicorn
  protocol, bytes already read included: no second hop, and uvicorn sees the real peer.

grpcio keeps its own HTTP/2 core for native calls; the front never parses HTTP/2.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
from collections.abc import Callable
from typing import Any, cast

from ourchat.front.acceptor import Acceptor, AcceptTurns
from ourchat.front.addresses import ClientAddresses
from ourchat.front.pipe import PipeEnd, join

log = logging.getLogger(__name__)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#: How long a new connection may take to send enough bytes to be sorted.
SORT_TIMEOUT_SECONDS = 30.0

#: Makes the HTTP side's protocol for one connection.
HttpProtocolFactory = Callable[[], asyncio.Protocol]


class PortInUse(OSError):
    """The public port is taken by another process."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` that no other process shares.

    Raises:
        PortInUse: something else listens there.
    """
    family, kind, proto, _, address = socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                raise PortInUse(
                    exc.errno, f"port {port} on {host or '*'} is already in use"
                ) from None
            raise
        sock.listen(4096)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


class Front:
    """Serves the public port of one process (several workers may share one socket).

    ``turns``: the accept turns of the workers sharing the socket (:mod:`ourchat.front.acceptor`).
    """

    def __init__(
        self,
        grpc_port: int,
        http_protocol: HttpProtocolFactory,
        tls: ssl.SSLContext | None = None,
        addresses: ClientAddresses | None = None,
        turns: AcceptTurns | None = None,
    ) -> None:
        self._grpc_port = grpc_port
        self._http_protocol = http_protocol
        self._tls = tls
        self._turns = turns
        self.addresses = addresses if addresses is not None else ClientAddresses()
        self._acceptor: Acceptor | None = None
        self._starting: set[asyncio.Task[None]] = set()
        self._connections: set[asyncio.Transport] = set()

    async def start(self, sock: socket.socket) -> int:
        """Serve connections accepted on ``sock``; returns its port."""
        self._acceptor = Acceptor(sock, self._accepted, self._turns)
        self._acceptor.start()
        return int(sock.getsockname()[1])

    async def stop_accepting(self) -> None:
        """Accept no new connection (open ones go on until :meth:`close_connections`)."""
        if self._acceptor is not None:
            self._acceptor.stop()
            self._acceptor = None

    def close_connections(self) -> None:
        """Close the native gRPC connections still open (the HTTP side closes its own)."""
        for task in list(self._starting):
            task.cancel()
        for transport in list(self._connections):
            transport.close()

    def _accepted(self, conn: socket.socket) -> None:
        task = asyncio.get_running_loop().create_task(self._open(conn))
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    async def _open(self, conn: socket.socket) -> None:
        """Make ``conn`` a transport (after the TLS handshake, when configured) for a sorter."""
        loop = asyncio.get_running_loop()
        tls: dict[str, Any] = {}
        if self._tls is not None:
            tls = {"ssl": self._tls, "ssl_handshake_timeout": SORT_TIMEOUT_SECONDS}
        try:
            await loop.connect_accepted_socket(lambda: _Sorter(self), conn, **tls)
        except OSError as exc:  # a reset, a failed or timed-out TLS handshake
            log.debug("connection dropped before it was sorted: %s", exc)
            conn.close()
        except asyncio.CancelledError:
            conn.close()
            raise

    def to_http(self, transport: asyncio.Transport, first_bytes: bytes) -> None:
        protocol = self._http_protocol()
        transport.set_protocol(protocol)
        protocol.connection_made(transport)
        if first_bytes:
            protocol.data_received(first_bytes)

    async def to_grpc(self, transport: asyncio.Transport, first_bytes: bytes) -> None:
        """Join ``transport`` (reading paused) to a new connection to grpcio."""
        loop = asyncio.get_running_loop()
        peer = transport.get_extra_info("peername")
        address = str(peer[0]) if isinstance(peer, tuple) else ""
        try:
            upstream_transport, upstream = await loop.create_connection(
                PipeEnd, "127.0.0.1", self._grpc_port
            )
        except OSError as exc:
            log.warning("cannot reach the gRPC server on its internal port: %s", exc)
            transport.close()
            return
        local_port = int(upstream_transport.get_extra_info("sockname")[1])
        self.addresses.add(local_port, address)
        self._connections.add(transport)

        def closed() -> None:
            self.addresses.remove(local_port)
            self._connections.discard(transport)

        if transport.is_closing():
            upstream_transport.close()
            closed()
            return
        join(transport, upstream, first_bytes, closed)


class _Sorter(asyncio.Protocol):
    """The first protocol of every connection: reads until it knows where the bytes go."""

    def __init__(self, front: Front) -> None:
        self._front = front
        self._transport: asyncio.Transport | None = None
        self._buffer = b""
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is not None:
            protocol = ssl_object.selected_alpn_protocol()
            if protocol == "h2":
                self._send_to_grpc()
                return
            if protocol == "http/1.1":
                self._send_to_http()
                return
        self._timer = asyncio.get_running_loop().call_later(SORT_TIMEOUT_SECONDS, transport.close)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        size = min(len(self._buffer), len(PREFACE))
        if self._buffer[:size] != PREFACE[:size]:
            self._send_to_http()
        elif size == len(PREFACE):
            self._send_to_grpc()

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timer()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _send_to_http(self) -> None:
        self._cancel_timer()
        assert self._transport is not None
        self._front.to_http(self._transport, self._buffer)

    def _send_to_grpc(self) -> None:
        self._cancel_timer()
        assert self._transport is not None
        # No more data_received here: what arrives from now on waits for the pipe.
        self._transport.pause_reading()
        task = asyncio.ensure_future(self._front.to_grpc(self._transport, self._buffer))
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)


_tasks: set[asyncio.Future[None]] = set()
