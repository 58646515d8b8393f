"""ServerManageService.SetServerStatus: maintenance on or off for every process (permission 5)."""

from __future__ import annotations

from typing import Any

from ourchat import details
from ourchat._pb.service.server_manage.set_server_status.v1 import set_server_status_pb2 as pb
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import maintenance, server_roles
from ourchat.errors import InvalidArgument, PermissionDenied, Unavailable
from ourchat.ids import ServerPermission
from ourchat.rpc.server_manage import checks

REASON_LIMIT = 1024


async def handle(
    deps: Deps, request: pb.SetServerStatusRequest, context: Any
) -> pb.SetServerStatusResponse:
    """NORMAL ends maintenance, MAINTAINING starts it (with ``reason``); UNSPECIFIED: no change.

    During maintenance a caller without permission 5 is told the server is maintaining.
    """
    caller = current_user_id()
    try:
        await server_roles.require(deps, caller, ServerPermission.MODIFY_CONFIGURATION)
    except PermissionDenied:
        if maintenance.is_on(deps):
            raise Unavailable(details.SERVER_MAINTAINING) from None
        raise
    status = request.server_status
    if status not in pb.ServerStatus.values():
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    if status != pb.SERVER_STATUS_UNSPECIFIED:
        await maintenance.set_status(
            deps,
            caller_id=caller,
            maintaining=status == pb.SERVER_STATUS_MAINTAINING,
            reason=checks.text(request.reason, REASON_LIMIT),
        )
    return pb.SetServerStatusResponse()
