"""ServerManageService.RemoveServerRole: take a server role away (permission 9)."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.server_manage.user_manage.v1 import user_manage_pb2 as pb
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import server_roles
from ourchat.ids import ServerPermission


async def handle(
    deps: Deps, request: pb.RemoveServerRoleRequest, context: Any
) -> pb.RemoveServerRoleResponse:
    """Take ``role_id`` from ``user_id`` (not held: nothing changes; never the last admin)."""
    caller = current_user_id()
    await server_roles.require(deps, caller, ServerPermission.ASSIGN_ROLE)
    await server_roles.remove(
        deps, caller_id=caller, user_id=request.user_id, role_id=request.role_id
    )
    return pb.RemoveServerRoleResponse()
