"""BasicService.GetPresetUserStatus: the statuses users can pick from."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.basic.preset_user_status.v1.preset_user_status_pb2 import (
    GetPresetUserStatusRequest,
    GetPresetUserStatusResponse,
)
from ourchat.deps import Deps


async def handle(
    deps: Deps, request: GetPresetUserStatusRequest, context: Any
) -> GetPresetUserStatusResponse:
    """The ``preset_user_status`` setting, sorted."""
    return GetPresetUserStatusResponse(contents=sorted(deps.settings.preset_user_status))
