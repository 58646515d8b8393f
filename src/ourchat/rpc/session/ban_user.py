"""OurChatService.BanUser: remove users from a session and keep them out."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.session.ban.v1.ban_pb2 import BanUserRequest, BanUserResponse
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import moderation
from ourchat.rpc.convert import positive_duration_seconds


async def handle(deps: Deps, request: BanUserRequest, context: Any) -> BanUserResponse:
    """Ban ``user_ids`` (none: the whole session) for ``duration`` (absent: until unbanned)."""
    duration = positive_duration_seconds(request.duration) if request.HasField("duration") else None
    await moderation.ban(
        deps,
        caller_id=current_user_id(),
        session_id=request.session_id,
        user_ids=list(request.user_ids),
        duration_seconds=duration,
    )
    return BanUserResponse()
