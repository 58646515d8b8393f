"""The plain HTTP side of a server process (Starlette on uvicorn, in the gRPC server's loop).

gRPC-Web requests go to the call pipeline (:mod:`ourchat.http.grpc_web`).
Routes: ``GET /v1/status`` (empty 200), ``GET /v1/avatar?user_id=N`` (the user's avatar: an
image the user owns, typed from its content, else the default picture),
``GET /v1/verify/confirm?token=T`` (a link mailed by Verify), ``GET /metrics`` (Prometheus) and
the web client at ``/`` (:mod:`ourchat.http.webclient`).
Add a route by appending it to the list in :func:`routes`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import uvicorn
from prometheus_client import make_asgi_app
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from ourchat import gateways, metrics
from ourchat.deps import Deps
from ourchat.domain import avatars, verification
from ourchat.http.grpc_web import GrpcWeb
from ourchat.http.images import default_avatar_png
from ourchat.http.maintenance import MaintenanceGate
from ourchat.http.webclient import mount as webclient_mount
from ourchat.rpc.pipeline import Pipeline

log = logging.getLogger(__name__)

USER_ID_NOT_FOUND = "User ID not found"
INVALID_USER_ID = "Invalid user_id"
_STARTUP_TIMEOUT_SECONDS = 10.0


class _Metrics:
    """prometheus_client's ASGI app, as a class so Starlette routes to it as an ASGI app."""

    def __init__(self) -> None:
        self._app = make_asgi_app(metrics.exposition_registry())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


async def status(request: Request) -> Response:
    """``GET /v1/status``: the process is up."""
    return Response(status_code=200)


def _avatar_endpoint(deps: Deps) -> Any:
    async def avatar(request: Request) -> Response:
        """``GET /v1/avatar?user_id=N``: the user's own image avatar (type from its content).

        The default picture when there is none, or the key names no image the user owns.
        """
        try:
            user_id = int(request.query_params.get("user_id", ""))
        except ValueError:
            return PlainTextResponse(INVALID_USER_ID, status_code=400)
        found = await avatars.avatar_of(deps, user_id)
        if found is None:
            return PlainTextResponse(USER_ID_NOT_FOUND, status_code=404)
        headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
        if found.key is None:
            return Response(default_avatar_png(), media_type="image/png", headers=headers)
        blocks = deps.file_store.read(found.key, deps.settings.download_chunk_size)
        try:
            first = await anext(blocks, b"")
        except FileNotFoundError:
            return Response(default_avatar_png(), media_type="image/png", headers=headers)

        async def body() -> AsyncIterator[bytes]:
            try:
                yield first
                async for block in blocks:
                    yield block
            finally:
                await blocks.aclose()

        return StreamingResponse(body(), media_type=found.content_type, headers=headers)

    return avatar


_CONFIRM_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>OurChat</title></head><body><p>{}</p></body></html>\n"
)
VERIFIED_TEXT = "Your e-mail address is verified. You can close this page."
BAD_LINK_TEXT = "This verification link is unknown, already used or expired."


def _verify_confirm_endpoint(deps: Deps) -> Any:
    async def verify_confirm(request: Request) -> Response:
        """``GET /v1/verify/confirm?token=T``: follow a link mailed by Verify (400 if unusable)."""
        if await verification.confirm(deps, request.query_params.get("token", "")):
            return HTMLResponse(_CONFIRM_PAGE.format(VERIFIED_TEXT))
        return HTMLResponse(_CONFIRM_PAGE.format(BAD_LINK_TEXT), status_code=400)

    return verify_confirm


def routes(deps: Deps) -> list[BaseRoute]:
    """Every HTTP route of a server process."""
    return [
        Route("/v1/status", status, methods=["GET"]),
        Route("/v1/avatar", _avatar_endpoint(deps), methods=["GET"]),
        Route("/v1/verify/confirm", _verify_confirm_endpoint(deps), methods=["GET"]),
        Route("/metrics", _Metrics(), methods=["GET"]),
        *gateways.routes(deps),
        webclient_mount(),  # last: it answers every other path
    ]


def build_app(deps: Deps, pipeline: Pipeline) -> Starlette:
    """The ASGI application of the HTTP side: gRPC-Web first, then the routes."""
    return Starlette(
        routes=routes(deps),
        middleware=[
            Middleware(GrpcWeb, pipeline=pipeline),
            Middleware(MaintenanceGate, deps=deps),
        ],
    )


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


def _bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if hasattr(socket, "SO_REUSEPORT"):  # `serve --workers N`: every worker binds this port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


class HttpServer:
    """Serves an ASGI app on ``host:port`` (0 picks a free port) from the running loop."""

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        self._app = app
        self._host = host
        self._port = port
        self._server: _EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None
        self.port: int | None = None

    async def start(self) -> int:
        """Bind and start serving; returns the bound port."""
        sock = _bind(self._host, self._port)
        self.port = int(sock.getsockname()[1])
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
        self._task = asyncio.create_task(server.serve(sockets=[sock]), name="ourchat-http")
        async with asyncio.timeout(_STARTUP_TIMEOUT_SECONDS):
            while not server.started:
                if self._task.done():
                    self._task.result()
                    raise RuntimeError("the HTTP server stopped while starting")
                await asyncio.sleep(0.005)
        log.info("ourchat listening on %s:%d (HTTP)", self._host, self.port)
        return self.port

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
