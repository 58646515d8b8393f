"""OurChatService.MuteUser: stop members, or the whole session, from sending messages."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.session.mute.v1.mute_pb2 import MuteUserRequest, MuteUserResponse
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import moderation
from ourchat.rpc.convert import positive_duration_seconds


async def handle(deps: Deps, request: MuteUserRequest, context: Any) -> MuteUserResponse:
    """Mute ``user_ids`` (none: everyone) for ``duration`` (absent: until unmuted)."""
    duration = positive_duration_seconds(request.duration) if request.HasField("duration") else None
    await moderation.mute(
        deps,
        caller_id=current_user_id(),
        session_id=request.session_id,
        user_ids=list(request.user_ids),
        duration_seconds=duration,
    )
    return MuteUserResponse()
