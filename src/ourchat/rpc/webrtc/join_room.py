"""OurChatService.JoinRoom: enter a room's call; the other members are told."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.webrtc.room.join_room.v1.join_room_pb2 import (
    JoinRoomRequest,
    JoinRoomResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import rooms


async def handle(deps: Deps, request: JoinRoomRequest, context: Any) -> JoinRoomResponse:
    """Join ``room_id`` and answer who else is in it."""
    others = await rooms.join(deps, user_id=current_user_id(), room_id=request.room_id)
    return JoinRoomResponse(success=True, existing_users=others)
