"""OurChatService.InviteUserToRoom: an admin invites a user into a call room."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.webrtc.room.invite_user.v1.invite_user_pb2 import (
    InviteUserToRoomRequest,
    InviteUserToRoomResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import rooms


async def handle(
    deps: Deps, request: InviteUserToRoomRequest, context: Any
) -> InviteUserToRoomResponse:
    """Record the invitation of ``user_id`` into ``room_id``."""
    await rooms.invite(
        deps, caller_id=current_user_id(), room_id=request.room_id, user_id=request.user_id
    )
    return InviteUserToRoomResponse(success=True)
