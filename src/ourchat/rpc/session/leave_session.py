"""OurChatService.LeaveSession: the caller leaves a group session."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.session.leave_session.v1.leave_session_pb2 import (
    LeaveSessionRequest,
    LeaveSessionResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import sessions


async def handle(deps: Deps, request: LeaveSessionRequest, context: Any) -> LeaveSessionResponse:
    """End the caller's membership of ``request.session_id``."""
    await sessions.leave_session(deps, caller_id=current_user_id(), session_id=request.session_id)
    return LeaveSessionResponse()
