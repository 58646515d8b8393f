"""OurChatService.GetAccountInfo: read values of one's own or another user's account."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.get_account_info.v1.get_account_info_pb2 import (
    GetAccountInfoRequest,
    GetAccountInfoResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import profile
from ourchat.rpc import convert


async def handle(
    deps: Deps, request: GetAccountInfoRequest, context: Any
) -> GetAccountInfoResponse:
    """Answer the requested values about ``request.id`` (default: the caller)."""
    caller = current_user_id()
    target = request.id if request.HasField("id") else caller
    info = await profile.get_account_info(
        deps, caller=caller, target=target, requested=list(request.request_values)
    )
    response = GetAccountInfoResponse()
    if info.ocid is not None:
        response.ocid = info.ocid
    if info.email is not None:
        response.email = info.email
    if info.user_name is not None:
        response.user_name = info.user_name
    if info.display_name is not None:
        response.display_name = info.display_name
    if info.status is not None:
        response.status = info.status
    if info.avatar_key is not None:
        response.avatar_key = info.avatar_key
    if info.register_time_us is not None:
        response.register_time.CopyFrom(convert.timestamp(info.register_time_us))
    if info.public_updated_time_us is not None:
        response.public_updated_time.CopyFrom(convert.timestamp(info.public_updated_time_us))
    if info.updated_time_us is not None:
        response.updated_time.CopyFrom(convert.timestamp(info.updated_time_us))
    if info.sessions is not None:
        response.sessions.extend(info.sessions)
    if info.friends is not None:
        response.friends.extend(info.friends)
    return response
