"""OurChatService.AcceptRoomInvitation: become a member of a room one was invited into."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.webrtc.room.accept_room_invitation.v1 import (
    accept_room_invitation_pb2 as accept_pb,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import rooms


async def handle(
    deps: Deps, request: accept_pb.AcceptRoomInvitationRequest, context: Any
) -> accept_pb.AcceptRoomInvitationResponse:
    """Take the invitation into ``room_id`` (without entering the call)."""
    await rooms.accept_invitation(deps, user_id=current_user_id(), room_id=request.room_id)
    return accept_pb.AcceptRoomInvitationResponse(success=True)
