"""OurChatService.SetSelfInfo: change one's own name, avatar, status or ocid."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.set_account_info.v1.set_account_info_pb2 import (
    SetSelfInfoRequest,
    SetSelfInfoResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import profile


async def handle(deps: Deps, request: SetSelfInfoRequest, context: Any) -> SetSelfInfoResponse:
    """Apply the fields present in the request to the caller's account."""
    change = profile.ProfileChange(
        user_name=request.user_name if request.HasField("user_name") else None,
        avatar_key=request.avatar_key if request.HasField("avatar_key") else None,
        status=request.user_defined_status if request.HasField("user_defined_status") else None,
        ocid=request.ocid if request.HasField("ocid") else None,
    )
    await profile.set_self_info(deps, current_user_id(), change)
    return SetSelfInfoResponse()
