"""OurChatService.RecallMsg: withdraw a message from a session."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.msg_delivery.recall.v1.recall_pb2 import (
    RecallMsgRequest,
    RecallMsgResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import messages


async def handle(deps: Deps, request: RecallMsgRequest, context: Any) -> RecallMsgResponse:
    """Recall ``msg_id``; the response carries the id of the recall event."""
    stored = await messages.recall_message(
        deps, caller_id=current_user_id(), session_id=request.session_id, msg_id=request.msg_id
    )
    return RecallMsgResponse(msg_id=stored.msg_id)
