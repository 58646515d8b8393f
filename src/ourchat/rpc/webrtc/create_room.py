"""OurChatService.CreateRoom: open a call room; the caller is its creator and first admin."""

from __future__ import annotations

from typing import Any

from ourchat import details
from ourchat._pb.service.ourchat.webrtc.room.create_room.v1.create_room_pb2 import (
    CreateRoomRequest,
    CreateRoomResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import rooms
from ourchat.errors import InvalidArgument


async def handle(deps: Deps, request: CreateRoomRequest, context: Any) -> CreateRoomResponse:
    """Create the room with the given title and join rules; answer its id.

    Raises:
        InvalidArgument: "Request Invalid Value" for a title longer than a session name may be
            (``max_session_name_chars``) or holding a NUL character.
    """
    title = request.title if request.HasField("title") else None
    if title is not None and ("\x00" in title or len(title) > deps.settings.max_session_name_chars):
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    room_id = await rooms.create(
        deps,
        creator_id=current_user_id(),
        title=title,
        auto_delete=request.auto_delete,
        open_join=request.open_join,
    )
    return CreateRoomResponse(room_id=room_id)
