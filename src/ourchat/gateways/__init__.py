"""Gateways onto the same accounts, sessions and messages: the JSON protocol and the REST API.

:func:`routes` is what the HTTP app mounts; each gateway decodes its own framing, runs the
same ``rpc/`` handlers as gRPC (through :mod:`ourchat.gateways.calls`) and encodes the answer
in its protocol's own form.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, WebSocketRoute

from ourchat.deps import Deps
from ourchat.gateways.json_ws.endpoint import json_endpoint
from ourchat.gateways.rest.app import build as build_rest

#: Paths whose maintenance answers the gateways give themselves (in their own error form).
GATEWAY_PATH_PREFIXES: tuple[str, ...] = ("/v1/json", "/api/v1")


def routes(deps: Deps) -> list[BaseRoute]:
    """The routes of every gateway, for the HTTP app."""
    return [
        WebSocketRoute("/v1/json", json_endpoint(deps)),
        Mount("/api/v1", app=build_rest(deps)),
    ]
