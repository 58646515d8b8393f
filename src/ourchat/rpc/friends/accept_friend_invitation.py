"""OurChatService.AcceptFriendInvitation: accept or decline a pending friend request."""

from __future__ import annotations

from typing import Any

from ourchat import details
from ourchat._pb.service.ourchat.friends.accept_friend_invitation.v1 import (
    accept_friend_invitation_pb2 as pb,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import friends
from ourchat.errors import InvalidArgument

_ANSWERS = {
    pb.ACCEPT_FRIEND_INVITATION_RESULT_SUCCESS: True,
    pb.ACCEPT_FRIEND_INVITATION_RESULT_FAIL: False,
}


async def handle(
    deps: Deps, request: pb.AcceptFriendInvitationRequest, context: Any
) -> pb.AcceptFriendInvitationResponse:
    """Answer the request ``friend_id`` sent to the caller.

    ``status`` must be SUCCESS or FAIL; UNSPECIFIED (an unset field) or an unknown value is
    refused with "Request Invalid Value" and leaves the request pending.
    """
    accept = _ANSWERS.get(request.status)
    if accept is None:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    answer = await friends.answer_invitation(
        deps,
        invitee_id=current_user_id(),
        inviter_id=request.friend_id,
        accept=accept,
        leave_message=request.leave_message if request.HasField("leave_message") else None,
    )
    return pb.AcceptFriendInvitationResponse(session_id=answer.session_id)
