"""ServerManageService.ListServerRoles: every server role (any server role may ask)."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.server_manage.user_manage.v1 import user_manage_pb2 as pb
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import server_roles


async def handle(
    deps: Deps, request: pb.ListServerRolesRequest, context: Any
) -> pb.ListServerRolesResponse:
    """Id, name and description of each server role."""
    await server_roles.require(deps, current_user_id())
    return pb.ListServerRolesResponse(
        roles=[
            pb.ServerRoleInfo(id=i, name=n, description=d)
            for i, n, d in await server_roles.all_roles(deps)
        ]
    )
