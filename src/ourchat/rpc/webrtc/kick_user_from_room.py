"""OurChatService.KickUserFromRoom: an admin removes a member; they and the others are told."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.webrtc.room.kick_user.v1.kick_user_pb2 import (
    KickUserFromRoomRequest,
    KickUserFromRoomResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import rooms


async def handle(
    deps: Deps, request: KickUserFromRoomRequest, context: Any
) -> KickUserFromRoomResponse:
    """Remove ``user_id`` from ``room_id``."""
    await rooms.kick(
        deps, caller_id=current_user_id(), room_id=request.room_id, user_id=request.user_id
    )
    return KickUserFromRoomResponse(success=True)
