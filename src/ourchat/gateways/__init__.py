"""Gateways onto the same accounts, sessions and messages: the JSON protocol and the REST API.

:func:`routes` is what the HTTP app mounts; each gateway decodes its own framing, runs the
same ``rpc/`` handlers as gRPC (through :mod:`ourchat.gateways.calls`) and encodes the answer
in its protocol's own form.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, WebSocketRoute

from ourchat.deps import Deps
from ourchat.gateways.json_ws.endpoint import json_endpoint

#: Paths whose maintenance answers the gateways give themselves (in their own error form).
GATEWAY_PATH_PREFIXES: tuple[str, ...] = ("/v1/json",)


def routes(deps: Deps) -> list[BaseRoute]:
    """The routes of every gateway, for the HTTP app."""
    return [WebSocketRoute("/v1/json", json_endpoint(deps))]
