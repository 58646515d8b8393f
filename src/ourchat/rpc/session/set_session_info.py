"""OurChatService.SetSessionInfo: rename a session, or change its description or avatar."""

from __future__ import annotations

from typing import Any

from ourchat import details
from ourchat._pb.service.ourchat.session.set_session_info.v1.set_session_info_pb2 import (
    SetSessionInfoRequest,
    SetSessionInfoResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import sessions
from ourchat.errors import InvalidArgument


async def handle(
    deps: Deps, request: SetSessionInfoRequest, context: Any
) -> SetSessionInfoResponse:
    """Check the name's length, then change the fields present in the request."""
    name = request.name if request.HasField("name") else None
    if name is not None and len(name) > deps.settings.max_session_name_chars:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    await sessions.set_session_info(
        deps,
        caller_id=current_user_id(),
        session_id=request.session_id,
        name=name,
        description=request.description if request.HasField("description") else None,
        avatar_key=request.avatar_key if request.HasField("avatar_key") else None,
    )
    return SetSessionInfoResponse()
