"""ServerManageService.AssignServerRole: give an account a server role (permission 9)."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.server_manage.user_manage.v1 import user_manage_pb2 as pb
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import server_roles
from ourchat.ids import ServerPermission


async def handle(
    deps: Deps, request: pb.AssignServerRoleRequest, context: Any
) -> pb.AssignServerRoleResponse:
    """Give ``user_id`` the role ``role_id`` (already held: nothing changes)."""
    caller = current_user_id()
    await server_roles.require(deps, caller, ServerPermission.ASSIGN_ROLE)
    await server_roles.assign(
        deps, caller_id=caller, user_id=request.user_id, role_id=request.role_id
    )
    return pb.AssignServerRoleResponse()
