"""Shared steps of the account tests: GetAccountInfo and SetSelfInfo calls, rows by hand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Table, insert, select

from ourchat._pb.service.ourchat.get_account_info.v1 import get_account_info_pb2 as info_pb
from ourchat._pb.service.ourchat.set_account_info.v1.set_account_info_pb2 import (
    SetSelfInfoRequest,
)
from ourchat.server.app import OurChatServer
from tests.helpers import User
from tests.rpc.auth.common import deps_of

NewUser = Callable[..., Awaitable[User]]
Q = info_pb
ALL_VALUES = [v for v in Q.QueryValues.values() if v != Q.QUERY_VALUES_UNSPECIFIED]
OWNER_ONLY = [
    Q.QUERY_VALUES_EMAIL,
    Q.QUERY_VALUES_SESSIONS,
    Q.QUERY_VALUES_FRIENDS,
    Q.QUERY_VALUES_UPDATED_TIME,
]
PUBLIC = [v for v in ALL_VALUES if v not in OWNER_ONLY]


async def account_info(
    user: User, values: list[int], target: int | None = None
) -> info_pb.GetAccountInfoResponse:
    """GetAccountInfo by ``user`` about ``target`` (default: themselves)."""
    request = info_pb.GetAccountInfoRequest(request_values=values)  # type: ignore[arg-type]
    if target is not None:
        request.id = target
    response: info_pb.GetAccountInfoResponse = await user.client.call("GetAccountInfo", request)
    return response


async def set_self_info(user: User, **fields: str) -> None:
    """SetSelfInfo by ``user`` with the given optional fields."""
    await user.client.call("SetSelfInfo", SetSelfInfoRequest(**fields))


async def rows(server: OurChatServer, table: Table, *where: Any) -> list[dict[str, Any]]:
    """The rows of ``table`` matching ``where``, as dicts."""
    async with deps_of(server).db.read() as conn:
        result = await conn.execute(select(table).where(*where))
        return [dict(r._mapping) for r in result]


async def insert_row(server: OurChatServer, table: Table, **values: Any) -> None:
    """Insert one row directly."""
    async with deps_of(server).db.write() as conn:
        await conn.execute(insert(table).values(**values))
