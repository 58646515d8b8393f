"""OurChatService.CreateRoom: open a call room; the caller is its creator and first admin."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.webrtc.room.create_room.v1.create_room_pb2 import (
    CreateRoomRequest,
    CreateRoomResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import rooms


async def handle(deps: Deps, request: CreateRoomRequest, context: Any) -> CreateRoomResponse:
    """Create the room with the given title and join rules; answer its id."""
    room_id = await rooms.create(
        deps,
        creator_id=current_user_id(),
        title=request.title if request.HasField("title") else None,
        auto_delete=request.auto_delete,
        open_join=request.open_join,
    )
    return CreateRoomResponse(room_id=room_id)
