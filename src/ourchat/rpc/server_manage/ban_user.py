"""ServerManageService.BanUser: shut an account out of the whole server (permission 2)."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.server_manage.user_manage.v1 import user_manage_pb2 as pb
from ourchat.caller import current_user_id
from ourchat.clock import US_PER_SECOND
from ourchat.deps import Deps
from ourchat.domain import server_bans, server_roles
from ourchat.ids import ServerPermission
from ourchat.rpc.convert import positive_duration_seconds
from ourchat.rpc.server_manage import checks

REASON_LIMIT = 1024


async def handle(deps: Deps, request: pb.BanUserRequest, context: Any) -> pb.BanUserResponse:
    """Ban ``user_id`` for ``duration`` (absent: until UnbanUser); its streams end."""
    caller = current_user_id()
    await server_roles.require(deps, caller, ServerPermission.BAN_USER)
    duration = (
        positive_duration_seconds(request.duration) * US_PER_SECOND
        if request.HasField("duration")
        else None
    )
    await server_bans.ban(
        deps,
        caller_id=caller,
        user_id=request.user_id,
        reason=(checks.text(request.reason, REASON_LIMIT) if request.HasField("reason") else None),
        duration_us=duration,
    )
    return pb.BanUserResponse()
