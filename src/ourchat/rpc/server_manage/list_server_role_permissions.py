"""ServerManageService.ListServerRolePermissions: what one server role grants."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.server_manage.user_manage.v1 import user_manage_pb2 as pb
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import server_roles


async def handle(
    deps: Deps, request: pb.ListServerRolePermissionsRequest, context: Any
) -> pb.ListServerRolePermissionsResponse:
    """The permissions of ``role_id`` (an unknown role grants nothing: [])."""
    await server_roles.require(deps, current_user_id())
    return pb.ListServerRolePermissionsResponse(
        permissions=[
            pb.PermissionInfo(id=i, name=n, description=d)
            for i, n, d in await server_roles.role_permissions(deps, request.role_id)
        ]
    )
