"""uvicorn embedded in the server's loop, serving the HTTP side on connections the front hands over.

It opens no socket: :class:`ourchat.front.listener.Front` accepts every connection on the one
public port and gives the HTTP/1.1 ones to :meth:`HttpServer.protocol`.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

_STARTUP_TIMEOUT_SECONDS = 10.0


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server embedded in another server's loop.

    It leaves signal handling to the embedding process, waits for :meth:`request_exit`
    instead of polling for it, and stops at once when no connection is open.
    """

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._exit = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def request_exit(self) -> None:
        """Ask :meth:`serve` to shut down and return."""
        self.should_exit = True
        self._exit.set()

    async def main_loop(self) -> None:
        while not await self.on_tick(0):  # tick 0 refreshes the Date header
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(1.0):
                    await self._exit.wait()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.server_state.connections or self.server_state.tasks:
            await super().shutdown(sockets)
            return
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for server in self.servers:
            await server.wait_closed()


class HttpServer:
    """Serves an ASGI app, in the running loop, on connections the front hands over."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        self._server: _EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None

    def protocol(self) -> asyncio.Protocol:
        """uvicorn's protocol for one new connection (the front calls ``connection_made``)."""
        server = self._server
        if server is None:
            raise RuntimeError("the HTTP server is not running")
        protocol: asyncio.Protocol = server.config.http_protocol_class(  # type: ignore[call-arg]
            config=server.config,
            server_state=server.server_state,
            app_state=server.lifespan.state,
        )
        return protocol

    async def start(self) -> None:
        """Start uvicorn with no socket of its own."""
        config = uvicorn.Config(
            self._app,
            lifespan="off",
            log_config=None,
            access_log=False,
            ws="websockets-sansio",
            timeout_graceful_shutdown=5,
        )
        server = _EmbeddedServer(config)
        self._server = server
        self._task = asyncio.create_task(server.serve(sockets=[]), name="ourchat-http")
        async with asyncio.timeout(_STARTUP_TIMEOUT_SECONDS):
            while not server.started:
                if self._task.done():
                    self._task.result()
                    raise RuntimeError("the HTTP server stopped while starting")
                await asyncio.sleep(0.005)

    async def stop(self, grace: float = 5.0) -> None:
        """Stop accepting, let open requests finish within ``grace`` seconds, then close."""
        server, task = self._server, self._task
        self._server = self._task = None
        if server is None or task is None:
            return
        server.config.timeout_graceful_shutdown = max(1, int(grace))
        server.request_exit()
        try:
            await asyncio.wait_for(task, timeout=grace + 2)
        except TimeoutError:
            server.force_exit = True
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
