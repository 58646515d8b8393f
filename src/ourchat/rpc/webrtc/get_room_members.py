"""OurChatService.GetRoomMembers: who the members of a room are, for a member."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.webrtc.room.get_room_members.v1.get_room_members_pb2 import (
    GetRoomMembersRequest,
    GetRoomMembersResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import rooms


async def handle(
    deps: Deps, request: GetRoomMembersRequest, context: Any
) -> GetRoomMembersResponse:
    """The members of ``room_id`` and how many there are."""
    member_ids = await rooms.members(deps, user_id=current_user_id(), room_id=request.room_id)
    return GetRoomMembersResponse(success=True, member_ids=member_ids, member_count=len(member_ids))
