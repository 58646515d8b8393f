"""BasicService.Ping: an empty answer, to measure round trips."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.basic.v1.basic_pb2 import PingRequest, PingResponse
from ourchat.deps import Deps


async def handle(deps: Deps, request: PingRequest, context: Any) -> PingResponse:
    """Nothing but the reply."""
    return PingResponse()
