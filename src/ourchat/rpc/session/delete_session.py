"""OurChatService.DeleteSession: an owner deletes a group session and all it holds."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.session.delete_session.v1.delete_session_pb2 import (
    DeleteSessionRequest,
    DeleteSessionResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import sessions


async def handle(deps: Deps, request: DeleteSessionRequest, context: Any) -> DeleteSessionResponse:
    """Delete ``request.session_id`` if the caller holds permission 9 in it."""
    await sessions.delete_session(deps, caller_id=current_user_id(), session_id=request.session_id)
    return DeleteSessionResponse()
