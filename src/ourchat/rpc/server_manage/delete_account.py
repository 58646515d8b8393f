"""ServerManageService.DeleteAccount: remove an account for good (permission 2)."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.server_manage.delete_account.v1.delete_account_pb2 import (
    DeleteAccountRequest,
    DeleteAccountResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import server_directory, server_roles
from ourchat.ids import ServerPermission


async def handle(deps: Deps, request: DeleteAccountRequest, context: Any) -> DeleteAccountResponse:
    """Delete ``user_id`` as Unregister's ``delete`` policy does; its streams end."""
    caller = current_user_id()
    await server_roles.require(deps, caller, ServerPermission.BAN_USER)
    await server_directory.delete_account(deps, caller_id=caller, user_id=request.user_id)
    return DeleteAccountResponse()
