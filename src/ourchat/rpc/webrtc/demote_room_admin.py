"""OurChatService.DemoteRoomAdmin: the creator takes the admin right from a member."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.webrtc.room.demote_admin.v1.demote_admin_pb2 import (
    DemoteRoomAdminRequest,
    DemoteRoomAdminResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import rooms


async def handle(
    deps: Deps, request: DemoteRoomAdminRequest, context: Any
) -> DemoteRoomAdminResponse:
    """Take the admin right of ``user_id`` in ``room_id``."""
    await rooms.demote(
        deps, caller_id=current_user_id(), room_id=request.room_id, user_id=request.user_id
    )
    return DemoteRoomAdminResponse(success=True)
