"""OurChatService.SendRoomKey: hand a wrapped room key to one member of an e2ee session."""

from __future__ import annotations

from typing import Any

from ourchat import details
from ourchat._pb.service.ourchat.session.new_session.v1.session_pb2 import (
    FAILED_REASON_MEMBER_NOT_FOUND,
    FailedMember,
)
from ourchat._pb.service.ourchat.session.session_room_key.v1.session_room_key_pb2 import (
    SendRoomKeyRequest,
    SendRoomKeyResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import room_keys
from ourchat.errors import InvalidArgument

# A wrapped key is one RSA block (256 bytes for RSA-2048, 1 KiB for RSA-8192); this leaves
# room for other wrappings while keeping stored events small.
MAX_ROOM_KEY_BYTES = 4096


async def handle(deps: Deps, request: SendRoomKeyRequest, context: Any) -> SendRoomKeyResponse:
    """Relay ``room_key`` to ``user_id``; a target who is not a member is reported back."""
    if not request.room_key or len(request.room_key) > MAX_ROOM_KEY_BYTES:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    delivered = await room_keys.send_room_key(
        deps,
        caller_id=current_user_id(),
        session_id=request.session_id,
        user_id=request.user_id,
        room_key=request.room_key,
    )
    if delivered:
        return SendRoomKeyResponse()
    return SendRoomKeyResponse(
        failed_member=FailedMember(id=request.user_id, reason=FAILED_REASON_MEMBER_NOT_FOUND)
    )
