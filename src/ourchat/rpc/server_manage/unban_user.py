"""ServerManageService.UnbanUser: lift a server ban (permission 2)."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.server_manage.user_manage.v1 import user_manage_pb2 as pb
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import server_bans, server_roles
from ourchat.ids import ServerPermission


async def handle(deps: Deps, request: pb.UnbanUserRequest, context: Any) -> pb.UnbanUserResponse:
    """Lift the ban of ``user_id`` ("User Not Be Banned" when none is in force)."""
    caller = current_user_id()
    await server_roles.require(deps, caller, ServerPermission.BAN_USER)
    await server_bans.unban(deps, caller_id=caller, user_id=request.user_id)
    return pb.UnbanUserResponse()
