"""ServerManageService.ListSessions: sessions, filtered and paged (permission 8)."""

from __future__ import annotations

from typing import Any

from ourchat import details
from ourchat._pb.service.ourchat.session.get_session_info.v1 import get_session_info_pb2 as info_pb
from ourchat._pb.service.server_manage.session_manage.v1 import session_manage_pb2 as pb
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import server_directory, server_roles
from ourchat.errors import InvalidArgument
from ourchat.ids import ServerPermission
from ourchat.rpc.convert import timestamp, timestamp_us
from ourchat.rpc.server_manage import checks
from ourchat.storage.server_listing import SessionFilter

FILTER_LIMIT = 400

_KNOWN_VALUES = frozenset(info_pb.QueryValues.values()) - {info_pb.QUERY_VALUES_UNSPECIFIED}
_PUBLIC_VALUES = _KNOWN_VALUES - {info_pb.QUERY_VALUES_MEMBERS, info_pb.QUERY_VALUES_ROLES}


def _filter(given: pb.SessionFilter) -> SessionFilter:
    private: bool | None = None
    none_match = False
    if given.HasField("session_type"):
        kind = given.session_type
        if kind not in pb.SessionType.values():
            raise InvalidArgument(details.REQUEST_INVALID_VALUE)
        if kind == pb.SESSION_TYPE_PRIVATE:
            private = True
        elif kind == pb.SESSION_TYPE_GROUP:
            private = False
        elif kind == pb.SESSION_TYPE_CHANNEL:
            none_match = True  # ourchat has no channels
    owner = None
    if given.HasField("owner_id"):
        owner = checks.storable_id(given.owner_id)
        if owner is None:
            none_match = True  # no session can have such an owner
    return SessionFilter(
        private=private,
        none_match=none_match,
        name=(
            checks.text(given.session_name, FILTER_LIMIT)
            if given.HasField("session_name")
            else None
        ),
        created_after=(
            timestamp_us(given.created_after) if given.HasField("created_after") else None
        ),
        created_before=(
            timestamp_us(given.created_before) if given.HasField("created_before") else None
        ),
        owner_id=owner,
        min_members=given.min_members if given.HasField("min_members") else None,
        max_members=given.max_members if given.HasField("max_members") else None,
    )


async def handle(
    deps: Deps, request: pb.ListSessionsRequest, context: Any
) -> pb.ListSessionsResponse:
    """One page of sessions, each with the values asked for (all public ones if none)."""
    caller = current_user_id()
    await server_roles.require(deps, caller, ServerPermission.MANAGE_SESSIONS)
    wanted: set[int] = {int(v) for v in request.query_values} - {0}
    if not wanted <= _KNOWN_VALUES:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    wanted = wanted or set(_PUBLIC_VALUES)
    listing = await server_directory.list_sessions(
        deps,
        caller_id=caller,
        f=_filter(request.filter),
        page=server_directory.page_of(request.pagination.page, request.pagination.page_size),
        with_members=bool(wanted & {info_pb.QUERY_VALUES_MEMBERS, info_pb.QUERY_VALUES_ROLES}),
    )
    sessions = []
    for row in listing.sessions:
        info = info_pb.GetSessionInfoResponse()
        roles = listing.roles.get(row.id, [])
        if info_pb.QUERY_VALUES_SESSION_ID in wanted:
            info.session_id = row.id
        if info_pb.QUERY_VALUES_NAME in wanted:
            info.name = row.name
        if info_pb.QUERY_VALUES_AVATAR_KEY in wanted:
            info.avatar_key = row.avatar_key or ""
        if info_pb.QUERY_VALUES_CREATED_TIME in wanted:
            info.created_time.CopyFrom(timestamp(row.created_time))
        if info_pb.QUERY_VALUES_UPDATED_TIME in wanted:
            info.updated_time.CopyFrom(timestamp(row.updated_time))
        if info_pb.QUERY_VALUES_MEMBERS in wanted:
            info.members.extend(user_id for user_id, _ in roles)
        if info_pb.QUERY_VALUES_ROLES in wanted:
            info.roles.extend(info_pb.RoleInfo(user_id=u, role=r) for u, r in roles)
        if info_pb.QUERY_VALUES_SIZE in wanted:
            info.size = row.size
        if info_pb.QUERY_VALUES_DESCRIPTION in wanted and row.description is not None:
            info.description = row.description
        sessions.append(info)
    return pb.ListSessionsResponse(sessions=sessions)
