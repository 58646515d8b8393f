"""OurChatService.AddRole: create a custom role in a session."""

from __future__ import annotations

from typing import Any

from ourchat import details
from ourchat._pb.service.ourchat.session.add_role.v1.add_role_pb2 import (
    AddRoleRequest,
    AddRoleResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import roles
from ourchat.errors import InvalidArgument
from ourchat.ids import Permission

_KNOWN = frozenset(int(p) for p in Permission)


async def handle(deps: Deps, request: AddRoleRequest, context: Any) -> AddRoleResponse:
    """Create role ``name`` granting ``permissions`` (which may be empty); returns its id.

    Raises:
        InvalidArgument: "Role Name Empty" for a blank name, "Request Invalid Value" for an
            unknown permission id.
    """
    if not request.name.strip():
        raise InvalidArgument(details.ROLE_NAME_EMPTY)
    if any(p not in _KNOWN for p in request.permissions):
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    role_id = await roles.add_role(
        deps,
        caller_id=current_user_id(),
        session_id=request.session_id,
        name=request.name,
        description=request.description if request.HasField("description") else None,
        permission_ids=[Permission(p) for p in request.permissions],
    )
    return AddRoleResponse(role_id=role_id)
