"""OurChatService.Unregister: remove the caller's account under ``unregister_policy``."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.unregister.v1.unregister_pb2 import (
    UnregisterRequest,
    UnregisterResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import accounts


async def handle(deps: Deps, request: UnregisterRequest, context: Any) -> UnregisterResponse:
    """Disable or delete the caller's account; its tokens stop working."""
    await accounts.unregister(deps, current_user_id())
    return UnregisterResponse()
