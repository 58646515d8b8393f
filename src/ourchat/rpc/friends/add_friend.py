"""OurChatService.AddFriend: ask another user to become a friend."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.friends.add_friend.v1.add_friend_pb2 import (
    AddFriendRequest,
    AddFriendResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import friends
from ourchat.rpc.friends import check_display_name


async def handle(deps: Deps, request: AddFriendRequest, context: Any) -> AddFriendResponse:
    """Record (or refresh) a friend request to ``friend_id`` and notify both users."""
    display_name = request.display_name if request.HasField("display_name") else None
    check_display_name(display_name)
    await friends.add_friend(
        deps,
        inviter_id=current_user_id(),
        invitee_id=request.friend_id,
        leave_message=request.leave_message if request.HasField("leave_message") else None,
        display_name=display_name,
    )
    return AddFriendResponse()
