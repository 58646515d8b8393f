"""Shared steps of the session lifecycle, invitation and join-request tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, cast

from sqlalchemy import Table, insert, select

from ourchat._pb.service.ourchat.friends.accept_friend_invitation.v1 import (
    accept_friend_invitation_pb2 as accept_friend_pb,
)
from ourchat._pb.service.ourchat.friends.add_friend.v1.add_friend_pb2 import AddFriendRequest
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import FetchMsgsResponse
from ourchat._pb.service.ourchat.session.accept_join_session_invitation.v1 import (
    accept_join_session_invitation_pb2 as accept_pb,
)
from ourchat._pb.service.ourchat.session.allow_user_join_session.v1 import (
    allow_user_join_session_pb2 as allow_pb,
)
from ourchat._pb.service.ourchat.session.delete_session.v1.delete_session_pb2 import (
    DeleteSessionRequest,
)
from ourchat._pb.service.ourchat.session.get_session_info.v1 import get_session_info_pb2 as info_pb
from ourchat._pb.service.ourchat.session.invite_user_to_session.v1 import (
    invite_user_to_session_pb2 as invite_pb,
)
from ourchat._pb.service.ourchat.session.join_session.v1.join_session_pb2 import (
    JoinSessionRequest,
)
from ourchat._pb.service.ourchat.session.leave_session.v1.leave_session_pb2 import (
    LeaveSessionRequest,
)
from ourchat._pb.service.ourchat.session.new_session.v1 import session_pb2 as new_pb
from ourchat._pb.service.ourchat.session.set_session_info.v1.set_session_info_pb2 import (
    SetSessionInfoRequest,
)
from ourchat.server.app import OurChatServer
from ourchat.storage import restrictions
from ourchat.storage import sessions as session_store
from ourchat.storage.tables import role_permissions, roles
from tests.helpers import Stream, User

NewUser = Callable[..., Awaitable[User]]
Q = info_pb
DAY_US = 24 * 3600 * 1_000_000


async def befriend(inviter: User, invitee: User) -> int:
    """Make two users friends through the API; returns their private session id."""
    await inviter.client.call("AddFriend", AddFriendRequest(friend_id=invitee.id))
    response = await invitee.client.call(
        "AcceptFriendInvitation",
        accept_friend_pb.AcceptFriendInvitationRequest(
            friend_id=inviter.id, status=accept_friend_pb.ACCEPT_FRIEND_INVITATION_RESULT_SUCCESS
        ),
    )
    assert response.HasField("session_id")
    return int(response.session_id)


def new_session(user: User, members: Iterable[int] = (), **fields: Any) -> Awaitable[Any]:
    """NewSession by ``user`` listing ``members``."""
    return user.client.call("NewSession", new_pb.NewSessionRequest(members=list(members), **fields))


def invite(user: User, session_id: int, invitee: int, leave_message: str | None = None) -> Any:
    """InviteUserToSession by ``user``."""
    return user.client.call(
        "InviteUserToSession",
        invite_pb.InviteUserToSessionRequest(
            session_id=session_id, invitee=invitee, leave_message=leave_message
        ),
    )


def answer_invitation(
    user: User, session_id: int, accepted: bool = True, inviter_id: int = 0
) -> Awaitable[Any]:
    """AcceptJoinSessionInvitation by the invitee ``user``."""
    return user.client.call(
        "AcceptJoinSessionInvitation",
        accept_pb.AcceptJoinSessionInvitationRequest(
            session_id=session_id, accepted=accepted, inviter_id=inviter_id
        ),
    )


def join(user: User, session_id: int, leave_message: str | None = None) -> Awaitable[Any]:
    """JoinSession by ``user``."""
    return user.client.call(
        "JoinSession", JoinSessionRequest(session_id=session_id, leave_message=leave_message)
    )


def allow(
    user: User,
    session_id: int,
    applicant: int,
    accepted: bool = True,
    room_key: bytes | None = None,
) -> Awaitable[Any]:
    """AllowUserJoinSession by the approver ``user``."""
    return user.client.call(
        "AllowUserJoinSession",
        allow_pb.AllowUserJoinSessionRequest(
            session_id=session_id, user_id=applicant, accepted=accepted, room_key=room_key
        ),
    )


def info(user: User, session_id: int, *values: int) -> Awaitable[Any]:
    """GetSessionInfo by ``user`` for ``values``."""
    return user.client.call(
        "GetSessionInfo",
        info_pb.GetSessionInfoRequest(session_id=session_id, query_values=list(values)),  # type: ignore[arg-type]
    )


def set_info(user: User, session_id: int, **fields: str) -> Awaitable[Any]:
    """SetSessionInfo by ``user`` with the given optional fields."""
    return user.client.call(
        "SetSessionInfo", SetSessionInfoRequest(session_id=session_id, **fields)
    )


def leave(user: User, session_id: int) -> Awaitable[Any]:
    """LeaveSession by ``user``."""
    return user.client.call("LeaveSession", LeaveSessionRequest(session_id=session_id))


def delete(user: User, session_id: int) -> Awaitable[Any]:
    """DeleteSession by ``user``."""
    return user.client.call("DeleteSession", DeleteSessionRequest(session_id=session_id))


async def member_roles(server: OurChatServer, session_id: int) -> dict[int, int]:
    """Current members and their role ids, read from the database."""
    assert server.deps is not None
    async with server.deps.db.read() as conn:
        return dict(await session_store.member_roles(conn, session_id))


async def set_role(server: OurChatServer, session_id: int, user: User, role_id: int) -> None:
    """Give a current member another role, directly in the database."""
    assert server.deps is not None
    async with server.deps.db.write() as conn:
        await session_store.set_member_role(conn, session_id, user.id, role_id)


async def custom_role(server: OurChatServer, session_id: int, permissions: Iterable[int]) -> int:
    """A role of ``session_id`` granting ``permissions``, created directly in the database."""
    assert server.deps is not None
    async with server.deps.db.write() as conn:
        result = await conn.execute(
            insert(roles).values(name="custom", session_id=session_id).returning(roles.c.id)
        )
        role_id = int(result.scalar_one())
        perms = sorted(set(permissions))
        if perms:
            await conn.execute(
                insert(role_permissions),
                [{"role_id": role_id, "permission_id": p} for p in perms],
            )
    return role_id


async def ban(server: OurChatServer, session_id: int, user_id: int | None) -> None:
    """Ban ``user_id`` (None: everyone) from the session for good, directly in the database."""
    assert server.deps is not None
    async with server.deps.db.write() as conn:
        await restrictions.place(
            conn, restrictions.bans, session_id, user_id, server.deps.clock.now_us(), None
        )


async def rows(server: OurChatServer, table: Table, *where: Any) -> list[dict[str, Any]]:
    """The rows of ``table`` matching ``where``, as dicts."""
    assert server.deps is not None
    async with server.deps.db.read() as conn:
        result = await conn.execute(select(table).where(*where))
        return [dict(r._mapping) for r in result]


async def _poll(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Return once ``condition()`` holds; fail after ``timeout`` seconds."""
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached in time")


async def live(server: OurChatServer, user: User) -> Stream:
    """A FetchMsgs stream of ``user`` that is already subscribed, so later events come live."""
    assert server.deps is not None
    fanout = server.deps.bus.fanout  # type: ignore[attr-defined]
    before = fanout.open_count
    stream = Stream(user.client)
    await _poll(lambda: fanout.open_count > before)
    return stream


def of_kind(events: Iterable[object], kind: str) -> list[FetchMsgsResponse]:
    """The events whose variant is ``kind``."""
    typed = cast("Iterable[FetchMsgsResponse]", events)
    return [e for e in typed if e.WhichOneof("respond_event_type") == kind]


async def collect(
    stream: Stream, kind: str, count: int, settle: float = 0.15
) -> list[FetchMsgsResponse]:
    """Wait for ``count`` events of ``kind``, allow ``settle`` s for extras, and return them.

    Fails if more than ``count`` such events arrive, or fewer within five seconds.
    """
    await _poll(lambda: len(of_kind(stream.events, kind)) >= count or stream.error is not None)
    got = of_kind(await stream.settle(settle), kind)
    assert len(got) == count, got
    return got


async def replay(user: User, kind: str, count: int) -> list[FetchMsgsResponse]:
    """The events of ``kind`` a new stream of ``user`` replays (exactly ``count`` expected)."""
    stream = Stream(user.client)
    try:
        return await collect(stream, kind, count)
    finally:
        await stream.close()


async def replays(kind: str, expected: Iterable[tuple[User, int]]) -> list[list[FetchMsgsResponse]]:
    """Replay several users at once; each must get exactly its count of ``kind`` events.

    Returns:
        The events of ``kind`` each user got, in the order given.
    """
    pairs = list(expected)
    streams = [Stream(user.client) for user, _ in pairs]
    try:
        for stream, (_, count) in zip(streams, pairs, strict=True):
            await _poll(lambda s=stream, c=count: len(of_kind(s.events, kind)) >= c)  # type: ignore[misc]
        await asyncio.sleep(0.15)
        got = [of_kind(stream.events, kind) for stream in streams]
        assert [len(g) for g in got] == [c for _, c in pairs], got
        return got
    finally:
        for stream in streams:
            await stream.close()


INVITATION = "invite_user_to_session"
INVITATION_ANSWER = "accept_session_approval"
JOIN_REQUEST = "join_session_approval"
JOIN_ANSWER = "allow_user_join_session_notification"
MESSAGE = "msg"
