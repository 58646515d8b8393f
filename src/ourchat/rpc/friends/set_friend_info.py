"""OurChatService.SetFriendInfo: the name the caller sees for another user."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.friends.set_friend_info.v1.set_friend_info_pb2 import (
    SetFriendInfoRequest,
    SetFriendInfoResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import friends
from ourchat.rpc.friends import check_display_name


async def handle(deps: Deps, request: SetFriendInfoRequest, context: Any) -> SetFriendInfoResponse:
    """Store ``display_name`` as the caller's name for user ``id``; no-op without a name."""
    display_name = request.display_name if request.HasField("display_name") else None
    check_display_name(display_name)
    await friends.set_friend_info(
        deps, user_id=current_user_id(), contact_id=request.id, display_name=display_name
    )
    return SetFriendInfoResponse()
