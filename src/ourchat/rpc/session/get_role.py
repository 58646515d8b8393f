"""OurChatService.GetRole: a role's name, description, permissions and session."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.session.get_role.v1.get_role_pb2 import (
    GetRoleRequest,
    GetRoleResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import roles


async def handle(deps: Deps, request: GetRoleRequest, context: Any) -> GetRoleResponse:
    """Describe ``role_id``; ``session_id`` is set only for a custom role."""
    role = await roles.get_role(deps, caller_id=current_user_id(), role_id=request.role_id)
    response = GetRoleResponse(name=role.name, permissions=sorted(role.permissions))
    if role.description is not None:
        response.description = role.description
    if role.session_id is not None:
        response.session_id = role.session_id
    return response
