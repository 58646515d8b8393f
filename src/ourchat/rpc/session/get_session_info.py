"""OurChatService.GetSessionInfo: the fields of a session a client asks for."""

from __future__ import annotations

from typing import Any

from ourchat import details
from ourchat._pb.service.ourchat.session.get_session_info.v1 import get_session_info_pb2 as pb
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import sessions
from ourchat.errors import InvalidArgument
from ourchat.rpc.convert import timestamp

_KNOWN = frozenset(pb.QueryValues.values())


async def handle(
    deps: Deps, request: pb.GetSessionInfoRequest, context: Any
) -> pb.GetSessionInfoResponse:
    """Fill one response field per requested value; members and roles need membership."""
    wanted = set(request.query_values)
    if not wanted <= _KNOWN:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    info = await sessions.session_info(
        deps,
        caller_id=current_user_id(),
        session_id=request.session_id,
        with_members=pb.QUERY_VALUES_MEMBERS in wanted,
        with_roles=pb.QUERY_VALUES_ROLES in wanted,
    )
    response = pb.GetSessionInfoResponse()
    if pb.QUERY_VALUES_SESSION_ID in wanted:
        response.session_id = info.session_id
    if pb.QUERY_VALUES_NAME in wanted:
        response.name = info.name
    if pb.QUERY_VALUES_AVATAR_KEY in wanted:
        response.avatar_key = info.avatar_key or ""
    if pb.QUERY_VALUES_CREATED_TIME in wanted:
        response.created_time.CopyFrom(timestamp(info.created_time))
    if pb.QUERY_VALUES_UPDATED_TIME in wanted:
        response.updated_time.CopyFrom(timestamp(info.updated_time))
    if pb.QUERY_VALUES_MEMBERS in wanted:
        response.members.extend(info.members)
    if pb.QUERY_VALUES_ROLES in wanted:
        response.roles.extend(pb.RoleInfo(user_id=u, role=r) for u, r in info.roles)
    if pb.QUERY_VALUES_SIZE in wanted:
        response.size = info.size
    if pb.QUERY_VALUES_DESCRIPTION in wanted and info.description is not None:
        response.description = info.description
    return response
