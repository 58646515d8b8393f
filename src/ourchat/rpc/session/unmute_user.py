"""OurChatService.UnmuteUser: lift mutes of members or of the whole session."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.session.mute.v1.mute_pb2 import (
    UnmuteUserRequest,
    UnmuteUserResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import moderation


async def handle(deps: Deps, request: UnmuteUserRequest, context: Any) -> UnmuteUserResponse:
    """Unmute ``user_ids``, or lift the session-wide mute when the list is empty."""
    await moderation.unmute(
        deps,
        caller_id=current_user_id(),
        session_id=request.session_id,
        user_ids=list(request.user_ids),
    )
    return UnmuteUserResponse()
