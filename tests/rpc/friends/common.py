"""Shared steps of the friend tests: requests, answers and looking at the database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from sqlalchemy import Table, select

from ourchat._pb.service.ourchat.friends.accept_friend_invitation.v1 import (
    accept_friend_invitation_pb2 as accept_pb,
)
from ourchat._pb.service.ourchat.friends.add_friend.v1.add_friend_pb2 import AddFriendRequest
from ourchat._pb.service.ourchat.friends.set_friend_info.v1.set_friend_info_pb2 import (
    SetFriendInfoRequest,
)
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import FetchMsgsResponse
from ourchat.server.app import OurChatServer
from ourchat.storage import users
from tests.helpers import Stream, User

NewUser = Callable[..., Awaitable[User]]

SUCCESS = accept_pb.ACCEPT_FRIEND_INVITATION_RESULT_SUCCESS
FAIL = accept_pb.ACCEPT_FRIEND_INVITATION_RESULT_FAIL
UNSPECIFIED = accept_pb.ACCEPT_FRIEND_INVITATION_RESULT_UNSPECIFIED


def add_friend(
    inviter: User,
    invitee_id: int,
    *,
    leave_message: str | None = None,
    display_name: str | None = None,
) -> Awaitable[Any]:
    """AddFriend from ``inviter`` to ``invitee_id``."""
    return inviter.client.call(
        "AddFriend",
        AddFriendRequest(
            friend_id=invitee_id, leave_message=leave_message, display_name=display_name
        ),
    )


def answer(
    invitee: User, inviter_id: int, status: int = SUCCESS, leave_message: str | None = None
) -> Awaitable[accept_pb.AcceptFriendInvitationResponse]:
    """AcceptFriendInvitation by ``invitee`` for the request of ``inviter_id``."""
    return cast(
        "Awaitable[accept_pb.AcceptFriendInvitationResponse]",
        invitee.client.call(
            "AcceptFriendInvitation",
            accept_pb.AcceptFriendInvitationRequest(
                friend_id=inviter_id,
                status=status,  # type: ignore[arg-type]
                leave_message=leave_message,
            ),
        ),
    )


def set_friend_info(user: User, contact_id: int, display_name: str | None) -> Awaitable[Any]:
    """SetFriendInfo by ``user`` for ``contact_id``."""
    return user.client.call(
        "SetFriendInfo", SetFriendInfoRequest(id=contact_id, display_name=display_name)
    )


async def befriend(inviter: User, invitee: User, display_name: str | None = None) -> int:
    """Make two users friends through the API; returns their private session id."""
    await add_friend(inviter, invitee.id, display_name=display_name)
    response = await answer(invitee, inviter.id)
    assert response.HasField("session_id")
    return response.session_id


def events(got: list[object]) -> list[FetchMsgsResponse]:
    """Stream events with their protobuf type."""
    return cast("list[FetchMsgsResponse]", got)


async def next_events(stream: Stream, count: int) -> list[FetchMsgsResponse]:
    """Wait for ``count`` events in total on ``stream``."""
    return events(await stream.wait_for(count))


async def rows(server: OurChatServer, table: Table, *where: Any) -> list[dict[str, Any]]:
    """The rows of ``table`` matching ``where``, as dicts."""
    assert server.deps is not None
    async with server.deps.db.read() as conn:
        result = await conn.execute(select(table).where(*where))
        return [dict(r._mapping) for r in result]


async def set_friend_limit(server: OurChatServer, user: User, limit: int) -> None:
    """Change one user's ``friend_limit`` column."""
    assert server.deps is not None
    async with server.deps.db.write() as conn:
        await users.set_fields(conn, user.id, friend_limit=limit)
