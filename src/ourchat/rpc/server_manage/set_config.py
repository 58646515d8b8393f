"""ServerManageService.SetConfig: change settings with a TOML fragment (permission 5)."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.server_manage.config.v1.config_pb2 import (
    SetConfigRequest,
    SetConfigResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import runtime_config, server_roles
from ourchat.ids import ServerPermission


async def handle(deps: Deps, request: SetConfigRequest, context: Any) -> SetConfigResponse:
    """Validate, store and apply; settings that need a restart are listed."""
    caller = current_user_id()
    await server_roles.require(deps, caller, ServerPermission.MODIFY_CONFIGURATION)
    change = await runtime_config.set_config(deps, caller_id=caller, content=request.content)
    return SetConfigResponse(
        success=True,
        message=change.message,
        requires_restart=bool(change.restart_reasons),
        restart_reasons=change.restart_reasons,
    )
