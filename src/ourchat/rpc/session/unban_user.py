"""OurChatService.UnbanUser: lift bans of users or of the whole session."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.session.ban.v1.ban_pb2 import UnbanUserRequest, UnbanUserResponse
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import moderation


async def handle(deps: Deps, request: UnbanUserRequest, context: Any) -> UnbanUserResponse:
    """Unban ``user_ids``, or lift the session-wide ban when the list is empty."""
    await moderation.unban(
        deps,
        caller_id=current_user_id(),
        session_id=request.session_id,
        user_ids=list(request.user_ids),
    )
    return UnbanUserResponse()
