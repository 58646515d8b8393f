"""The plain HTTP side of a server process (Starlette on uvicorn, in the gRPC server's loop).

gRPC-Web requests go to the call pipeline (:mod:`ourchat.http.grpc_web`).
Routes: ``GET /v1/status`` (empty 200), ``GET /v1/logo`` (PNG),
``GET /v1/avatar?user_id=N`` (the user's avatar: an image the user owns, typed from its
content, else the default picture),
``GET /v1/verify/confirm?token=T`` (a link mailed by Verify), ``GET /metrics`` (Prometheus) and
the web client at ``/`` (:mod:`ourchat.http.webclient`).
Add a route by appending it to the list in :func:`routes`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

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
from ourchat.http.images import default_avatar_png, logo_png
from ourchat.http.maintenance import MaintenanceGate
from ourchat.http.rate_limit import HttpRateLimit
from ourchat.http.webclient import mount as webclient_mount
from ourchat.rpc.pipeline import Pipeline

log = logging.getLogger(__name__)

USER_ID_NOT_FOUND = "User ID not found"
INVALID_USER_ID = "Invalid user_id"


class _Metrics:
    """prometheus_client's ASGI app, as a class so Starlette routes to it as an ASGI app."""

    def __init__(self) -> None:
        self._app = make_asgi_app(metrics.exposition_registry())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


async def status(request: Request) -> Response:
    """``GET /v1/status``: the process is up."""
    return Response(status_code=200)


async def logo(request: Request) -> Response:
    """``GET /v1/logo``: the server's logo, a PNG shipped with the package."""
    return Response(
        logo_png(), media_type="image/png", headers={"Cache-Control": "public, max-age=86400"}
    )


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
        Route("/v1/logo", logo, methods=["GET"]),
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
            Middleware(HttpRateLimit, settings=deps.settings),
            Middleware(MaintenanceGate, deps=deps),
        ],
    )
