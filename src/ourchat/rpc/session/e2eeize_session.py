"""OurChatService.E2eeizeSession: turn end-to-end encryption on for a session."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.session.e2eeize_and_dee2eeize_session.v1 import (
    e2eeize_and_dee2eeize_session_pb2 as e2ee_pb,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import room_keys


async def handle(
    deps: Deps, request: e2ee_pb.E2eeizeSessionRequest, context: Any
) -> e2ee_pb.E2eeizeSessionResponse:
    """Switch ``session_id`` to e2ee (permission 14); the caller is asked for a room key."""
    await room_keys.e2eeize(deps, caller_id=current_user_id(), session_id=request.session_id)
    return e2ee_pb.E2eeizeSessionResponse()
