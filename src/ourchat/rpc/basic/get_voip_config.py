"""BasicService.GetVoipConfig: STUN and TURN servers for calls, TURN credentials when logged in."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.basic.voip.v1.get_config_pb2 import (
    GetVoipConfigRequest,
    GetVoipConfigResponse,
)
from ourchat.caller import optional_user_id
from ourchat.deps import Deps
from ourchat.domain import voip


async def handle(deps: Deps, request: GetVoipConfigRequest, context: Any) -> GetVoipConfigResponse:
    """The configuration for the caller (a public method: anonymous callers get no credentials)."""
    config = voip.config_for(deps.settings, optional_user_id(), deps.clock.now_us())
    return GetVoipConfigResponse(
        stun_servers=config.stun_servers,
        turn_enabled=config.turn_enabled,
        turn_server_url=config.turn_server_url,
        turn_username=config.turn_username,
        turn_password=config.turn_password,
        turn_ttl=config.turn_ttl,
    )
