"""OurChatService.JoinSession: ask the approvers of a group session to let the caller in."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.session.join_session.v1.join_session_pb2 import (
    JoinSessionRequest,
    JoinSessionResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import invitations


async def handle(deps: Deps, request: JoinSessionRequest, context: Any) -> JoinSessionResponse:
    """Record (or refresh) the caller's pending request and notify the approvers."""
    await invitations.request_join(
        deps,
        user_id=current_user_id(),
        session_id=request.session_id,
        leave_message=request.leave_message if request.HasField("leave_message") else None,
    )
    return JoinSessionResponse()
