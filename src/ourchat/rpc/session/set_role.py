"""OurChatService.SetRole: give a member of a session another role."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.session.set_role.v1.set_role_pb2 import (
    SetRoleRequest,
    SetRoleResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import roles


async def handle(deps: Deps, request: SetRoleRequest, context: Any) -> SetRoleResponse:
    """Set ``member_id``'s role in ``session_id`` to ``role_id``."""
    await roles.set_role(
        deps,
        caller_id=current_user_id(),
        session_id=request.session_id,
        member_id=request.member_id,
        role_id=request.role_id,
    )
    return SetRoleResponse()
