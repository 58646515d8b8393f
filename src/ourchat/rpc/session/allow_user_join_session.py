"""OurChatService.AllowUserJoinSession: an approver answers a pending join request."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.session.allow_user_join_session.v1 import (
    allow_user_join_session_pb2 as pb,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import invitations


async def handle(
    deps: Deps, request: pb.AllowUserJoinSessionRequest, context: Any
) -> pb.AllowUserJoinSessionResponse:
    """Consume the applicant's request, admit them if accepted, and tell them the answer."""
    await invitations.answer_join_request(
        deps,
        approver_id=current_user_id(),
        session_id=request.session_id,
        user_id=request.user_id,
        accepted=request.accepted,
        room_key=request.room_key if request.HasField("room_key") else None,
    )
    return pb.AllowUserJoinSessionResponse()
