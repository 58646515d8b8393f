"""BasicService.GetId: the user id behind an ocid."""

from __future__ import annotations

from typing import Any

from ourchat import details
from ourchat._pb.service.basic.v1.basic_pb2 import GetIdRequest, GetIdResponse
from ourchat.deps import Deps
from ourchat.errors import NotFound
from ourchat.storage import users


async def handle(deps: Deps, request: GetIdRequest, context: Any) -> GetIdResponse:
    """Exact-match lookup (deleted-status accounts included)."""
    async with deps.db.read() as conn:
        user = await users.find_by(conn, ocid=request.ocid)
    if user is None:
        raise NotFound(details.USER_NOT_FOUND)
    return GetIdResponse(id=user["id"])
