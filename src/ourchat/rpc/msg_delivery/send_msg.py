"""OurChatService.SendMsg: post a message to a session."""

from __future__ import annotations

from typing import Any

from ourchat import details
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import (
    SendMsgRequest,
    SendMsgResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import messages
from ourchat.errors import InvalidArgument
from ourchat.rpc.convert import timestamp


async def handle(deps: Deps, request: SendMsgRequest, context: Any) -> SendMsgResponse:
    """Check the message's size, then store and deliver it."""
    sender_id = current_user_id()
    deps.limits.check_send(sender_id)
    limits = deps.settings
    if len(request.markdown_text.encode()) > limits.max_message_bytes:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    if len(request.involved_files) > limits.max_involved_files:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    stored = await messages.send_message(
        deps,
        sender_id=sender_id,
        session_id=request.session_id,
        markdown_text=request.markdown_text,
        involved_files=list(request.involved_files),
        is_encrypted=request.is_encrypted,
    )
    return SendMsgResponse(msg_id=stored.msg_id, time=timestamp(stored.time_us))
