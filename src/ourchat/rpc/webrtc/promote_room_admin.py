"""OurChatService.PromoteRoomAdmin: an admin gives another member the admin right."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.webrtc.room.promote_admin.v1.promote_admin_pb2 import (
    PromoteRoomAdminRequest,
    PromoteRoomAdminResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import rooms


async def handle(
    deps: Deps, request: PromoteRoomAdminRequest, context: Any
) -> PromoteRoomAdminResponse:
    """Make ``user_id`` an admin of ``room_id``."""
    await rooms.promote(
        deps, caller_id=current_user_id(), room_id=request.room_id, user_id=request.user_id
    )
    return PromoteRoomAdminResponse(success=True)
