"""The maintenance gate of the plain HTTP routes: 503 for everything maintenance closes.

The gateways (JSON protocol, REST API) answer maintenance in their own error forms, and
gRPC-Web requests (``content-type: application/grpc...``) pass: the call pipeline answers them
with ``grpc-status`` 14 "Server Maintaining", or serves the methods maintenance leaves open.
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ourchat import details
from ourchat.deps import Deps
from ourchat.domain import maintenance
from ourchat.gateways import GATEWAY_PATH_PREFIXES


class MaintenanceGate:
    """ASGI middleware answering ``503 Server Maintaining`` while maintenance closes a path."""

    def __init__(self, app: ASGIApp, deps: Deps) -> None:
        self.app = app
        self.deps = deps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] in ("http", "websocket")
            and not _is_grpc(scope)
            and not scope.get("path", "").startswith(GATEWAY_PATH_PREFIXES)
            and not maintenance.allows_http_path(self.deps, scope.get("path", ""))
        ):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1013})
                return
            response = PlainTextResponse(
                details.SERVER_MAINTAINING, status_code=503, headers={"Retry-After": "60"}
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _is_grpc(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return bool(value.startswith(b"application/grpc"))
    return False
