"""OurChatService.DeleteFriend: end a friendship and its private session."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.friends.delete_friend.v1.delete_friend_pb2 import (
    DeleteFriendRequest,
    DeleteFriendResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import friends


async def handle(deps: Deps, request: DeleteFriendRequest, context: Any) -> DeleteFriendResponse:
    """Remove both friend rows and the private session shared with ``friend_id``."""
    await friends.delete_friend(deps, user_id=current_user_id(), friend_id=request.friend_id)
    return DeleteFriendResponse()
