"""OurChatService.InviteUserToSession: a member invites someone into a group session."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.session.invite_user_to_session.v1 import (
    invite_user_to_session_pb2 as pb,
)
from ourchat._pb.service.ourchat.session.new_session.v1.session_pb2 import (
    FAILED_REASON_MEMBER_NOT_FOUND,
    FailedMember,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import invitations


async def handle(
    deps: Deps, request: pb.InviteUserToSessionRequest, context: Any
) -> pb.InviteUserToSessionResponse:
    """Invite ``request.invitee``; an unknown invitee is reported, not refused."""
    invited = await invitations.invite(
        deps,
        inviter_id=current_user_id(),
        session_id=request.session_id,
        invitee_id=request.invitee,
        leave_message=request.leave_message if request.HasField("leave_message") else None,
    )
    if invited:
        return pb.InviteUserToSessionResponse()
    return pb.InviteUserToSessionResponse(
        failed_member=FailedMember(id=request.invitee, reason=FAILED_REASON_MEMBER_NOT_FOUND)
    )
