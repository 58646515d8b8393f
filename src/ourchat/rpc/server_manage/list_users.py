"""ServerManageService.ListUsers: accounts, filtered and paged (permission 7)."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.server_manage.user_manage.v1 import user_manage_pb2 as pb
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import server_directory, server_roles
from ourchat.ids import ServerPermission
from ourchat.rpc.convert import timestamp, timestamp_us
from ourchat.rpc.server_manage import checks
from ourchat.storage.server_listing import UserFilter

FILTER_LIMIT = 320


async def handle(deps: Deps, request: pb.ListUsersRequest, context: Any) -> pb.ListUsersResponse:
    """One page of the accounts matching every filter given, by id, with the total count."""
    await server_roles.require(deps, current_user_id(), ServerPermission.VIEW_USERS)
    given = request.filter
    f = UserFilter(
        account_status=given.account_status if given.HasField("account_status") else None,
        email=checks.text(given.email, FILTER_LIMIT) if given.HasField("email") else None,
        user_name=(
            checks.text(given.user_name, FILTER_LIMIT) if given.HasField("user_name") else None
        ),
        registered_after=(
            timestamp_us(given.registered_after) if given.HasField("registered_after") else None
        ),
        registered_before=(
            timestamp_us(given.registered_before) if given.HasField("registered_before") else None
        ),
    )
    page = server_directory.page_of(request.pagination.page, request.pagination.page_size)
    total, rows = await server_directory.list_users(deps, f, page)
    users = []
    for row in rows:
        info = pb.UserInfo(
            id=row.id,
            ocid=row.ocid,
            email=row.email,
            user_name=row.name,
            account_status=row.account_status,
            register_time=timestamp(row.register_time),
            sessions_count=row.sessions_count,
        )
        if row.last_seen is not None:
            info.last_seen.CopyFrom(timestamp(row.last_seen))
        users.append(info)
    return pb.ListUsersResponse(
        users=users, total_count=total, page=page.number, page_size=page.size
    )
