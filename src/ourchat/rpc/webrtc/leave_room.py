"""OurChatService.LeaveRoom: leave a room and its call; the remaining members are told."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.webrtc.room.leave_room.v1.leave_room_pb2 import (
    LeaveRoomRequest,
    LeaveRoomResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import rooms


async def handle(deps: Deps, request: LeaveRoomRequest, context: Any) -> LeaveRoomResponse:
    """Leave ``room_id`` (nothing happens for a non-member)."""
    await rooms.leave(deps, user_id=current_user_id(), room_id=request.room_id)
    return LeaveRoomResponse(success=True)
