"""OurChatService.KickUser: remove a member from a session."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.session.kick.v1.kick_pb2 import KickUserRequest, KickUserResponse
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import moderation


async def handle(deps: Deps, request: KickUserRequest, context: Any) -> KickUserResponse:
    """Kick ``user_id`` out of ``session_id`` (permission 5 and a higher rank)."""
    await moderation.kick(
        deps, caller_id=current_user_id(), session_id=request.session_id, user_id=request.user_id
    )
    return KickUserResponse()
