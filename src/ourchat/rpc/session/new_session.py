"""OurChatService.NewSession: create a group session, adding friends and inviting others."""

from __future__ import annotations

from typing import Any

from ourchat import details
from ourchat._pb.service.ourchat.session.new_session.v1.session_pb2 import (
    FAILED_REASON_MEMBER_NOT_FOUND,
    FAILED_REASON_MEMBER_PRIVACY,
    FailedMember,
    NewSessionRequest,
    NewSessionResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import sessions
from ourchat.errors import InvalidArgument

_REASONS = {
    sessions.FailedReason.MEMBER_NOT_FOUND: FAILED_REASON_MEMBER_NOT_FOUND,
    sessions.FailedReason.MEMBER_PRIVACY: FAILED_REASON_MEMBER_PRIVACY,
}


async def handle(deps: Deps, request: NewSessionRequest, context: Any) -> NewSessionResponse:
    """Check the name's length, create the session and report who could not be reached."""
    if len(request.name) > deps.settings.max_session_name_chars:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    created = await sessions.new_session(
        deps,
        creator_id=current_user_id(),
        members=list(request.members),
        name=request.name,
        leave_message=request.leave_message if request.HasField("leave_message") else None,
        avatar_key=request.avatar_key,
        e2ee_on=request.e2ee_on,
    )
    return NewSessionResponse(
        session_id=created.session_id,
        failed_members=[
            FailedMember(id=user_id, reason=_REASONS[reason]) for user_id, reason in created.failed
        ],
    )
