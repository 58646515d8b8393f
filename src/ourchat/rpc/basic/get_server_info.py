"""BasicService.GetServerInfo: running status, version and identity of this server."""

from __future__ import annotations

from typing import Any

from ourchat import __version__
from ourchat._pb.service.basic.server.v1.server_pb2 import (
    RUNNING_STATUS_MAINTAINING,
    RUNNING_STATUS_UNSPECIFIED,
    GetServerInfoResponse,
    ServerVersion,
)
from ourchat._pb.service.basic.v1.basic_pb2 import GetServerInfoRequest
from ourchat.deps import Deps
from ourchat.domain import maintenance


def parse_version(text: str) -> ServerVersion:
    """``"1.2.3"`` (any suffix after the numbers ignored) as a ServerVersion."""
    numbers = []
    for part in text.split(".")[:3]:
        digits = "".join(ch for ch in part if ch.isdigit()) if part else "0"
        numbers.append(int(digits or 0))
    numbers += [0] * (3 - len(numbers))
    return ServerVersion(major=numbers[0], minor=numbers[1], patch=numbers[2])


async def handle(deps: Deps, request: GetServerInfoRequest, context: Any) -> GetServerInfoResponse:
    """Status, the package version, and the server's persistent identity.

    The status is 0 while running normally (the official client reads it as a gRPC status
    code, so only 0 shows as normal) and 2 (MAINTAINING) in maintenance.
    """
    status = RUNNING_STATUS_MAINTAINING if maintenance.is_on(deps) else RUNNING_STATUS_UNSPECIFIED
    return GetServerInfoResponse(
        status=status,
        server_version=parse_version(__version__),
        unique_identifier=deps.identity.unique_identifier,
        server_name=deps.identity.server_name,
    )
