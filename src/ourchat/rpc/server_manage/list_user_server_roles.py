"""ServerManageService.ListUserServerRoles: the server roles of one account."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.server_manage.user_manage.v1 import user_manage_pb2 as pb
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import server_roles


async def handle(
    deps: Deps, request: pb.ListUserServerRolesRequest, context: Any
) -> pb.ListUserServerRolesResponse:
    """One's own roles always; another account's with permission 7 or 9."""
    roles = await server_roles.roles_of(deps, caller_id=current_user_id(), user_id=request.user_id)
    return pb.ListUserServerRolesResponse(role_ids=roles)
