"""OurChatService.AcceptJoinSessionInvitation: the invitee accepts or declines an invitation."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.session.accept_join_session_invitation.v1 import (
    accept_join_session_invitation_pb2 as pb,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import invitations


async def handle(
    deps: Deps, request: pb.AcceptJoinSessionInvitationRequest, context: Any
) -> pb.AcceptJoinSessionInvitationResponse:
    """Answer the caller's invitation into ``request.session_id``.

    The answer goes to the inviter recorded on the invitation; ``request.inviter_id`` is not
    trusted.
    """
    await invitations.answer_invitation(
        deps,
        invitee_id=current_user_id(),
        session_id=request.session_id,
        accepted=request.accepted,
    )
    return pb.AcceptJoinSessionInvitationResponse()
