"""ServerManageService.GetConfig: the running settings as TOML, secrets redacted (permission 4)."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.server_manage.config.v1.config_pb2 import (
    GetConfigRequest,
    GetConfigResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import runtime_config, server_roles
from ourchat.ids import ServerPermission


async def handle(deps: Deps, request: GetConfigRequest, context: Any) -> GetConfigResponse:
    """The effective settings in the config file's format."""
    await server_roles.require(deps, current_user_id(), ServerPermission.VIEW_CONFIGURATION)
    return GetConfigResponse(content=runtime_config.get_config(deps))
