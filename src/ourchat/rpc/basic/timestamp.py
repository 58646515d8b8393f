"""BasicService.Timestamp: the server's current UTC time."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.basic.v1.basic_pb2 import TimestampRequest, TimestampResponse
from ourchat.deps import Deps
from ourchat.rpc.convert import timestamp


async def handle(deps: Deps, request: TimestampRequest, context: Any) -> TimestampResponse:
    """Now, by the server's clock."""
    return TimestampResponse(timestamp=timestamp(deps.clock.now_us()))
