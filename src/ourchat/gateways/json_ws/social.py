"""Friend and group steps of the JSON protocol (v2's codes 8 to 12), on the gRPC handlers."""

from __future__ import annotations

from ourchat import details
from ourchat._pb.service.ourchat.friends.accept_friend_invitation.v1 import (
    accept_friend_invitation_pb2 as accept_friend_pb,
)
from ourchat._pb.service.ourchat.friends.add_friend.v1.add_friend_pb2 import AddFriendRequest
from ourchat._pb.service.ourchat.friends.set_friend_info.v1.set_friend_info_pb2 import (
    SetFriendInfoRequest,
)
from ourchat._pb.service.ourchat.session.accept_join_session_invitation.v1 import (
    accept_join_session_invitation_pb2 as accept_invitation_pb,
)
from ourchat._pb.service.ourchat.session.allow_user_join_session.v1.allow_user_join_session_pb2 import (  # noqa: E501
    AllowUserJoinSessionRequest,
)
from ourchat._pb.service.ourchat.session.invite_user_to_session.v1.invite_user_to_session_pb2 import (  # noqa: E501
    InviteUserToSessionRequest,
)
from ourchat._pb.service.ourchat.session.join_session.v1.join_session_pb2 import JoinSessionRequest
from ourchat._pb.service.ourchat.session.new_session.v1.session_pb2 import NewSessionRequest
from ourchat._pb.service.ourchat.session.set_session_info.v1.set_session_info_pb2 import (
    SetSessionInfoRequest,
)
from ourchat._pb.service.ourchat.set_account_info.v1.set_account_info_pb2 import (
    SetSelfInfoRequest,
)
from ourchat.errors import NotFound
from ourchat.gateways import calls, directory
from ourchat.gateways.json_ws.connection import Connection
from ourchat.rpc.account import set_self_info
from ourchat.rpc.friends import accept_friend_invitation, add_friend, set_friend_info
from ourchat.rpc.session import (
    accept_join_session_invitation,
    allow_user_join_session,
    invite_user_to_session,
    join_session,
    new_session,
    set_session_info,
)

_SUCCESS = accept_friend_pb.ACCEPT_FRIEND_INVITATION_RESULT_SUCCESS
_FAIL = accept_friend_pb.ACCEPT_FRIEND_INVITATION_RESULT_FAIL


async def create_group(conn: Connection, name: str) -> int:
    """A new group session owned by the caller; returns its id."""
    request = NewSessionRequest(name=name)
    created = await conn.call(calls.OURCHAT + "NewSession", new_session.handle, request)
    return int(created.session_id)


async def ask_to_join(conn: Connection, session_id: int) -> None:
    """Ask the approvers of a group to let the caller in."""
    request = JoinSessionRequest(session_id=session_id)
    await conn.call(calls.OURCHAT + "JoinSession", join_session.handle, request)


async def ask_friend(conn: Connection, friend_id: int) -> None:
    """Send a friend request."""
    request = AddFriendRequest(friend_id=friend_id)
    await conn.call(calls.OURCHAT + "AddFriend", add_friend.handle, request)


async def answer_friend(conn: Connection, inviter_id: int, *, accepted: bool) -> None:
    """Accept or refuse the friend request of ``inviter_id``."""
    request = accept_friend_pb.AcceptFriendInvitationRequest(
        friend_id=inviter_id, status=_SUCCESS if accepted else _FAIL
    )
    await conn.call(
        calls.OURCHAT + "AcceptFriendInvitation", accept_friend_invitation.handle, request
    )


async def answer_join_request(
    conn: Connection, session_id: int, user_id: int, *, accepted: bool
) -> None:
    """Let ``user_id`` into a group, or refuse them."""
    request = AllowUserJoinSessionRequest(session_id=session_id, user_id=user_id, accepted=accepted)
    await conn.call(calls.OURCHAT + "AllowUserJoinSession", allow_user_join_session.handle, request)


async def invite(conn: Connection, session_id: int, user_id: int) -> None:
    """Invite (pull) ``user_id`` into a group."""
    request = InviteUserToSessionRequest(session_id=session_id, invitee=user_id)
    await conn.call(calls.OURCHAT + "InviteUserToSession", invite_user_to_session.handle, request)


async def answer_invitation(
    conn: Connection, session_id: int, inviter_id: int, *, accepted: bool
) -> None:
    """Accept or refuse an invitation into a group."""
    request = accept_invitation_pb.AcceptJoinSessionInvitationRequest(
        session_id=session_id, accepted=accepted, inviter_id=inviter_id
    )
    await conn.call(
        calls.OURCHAT + "AcceptJoinSessionInvitation",
        accept_join_session_invitation.handle,
        request,
    )


async def rename_group(conn: Connection, session_id: int, name: str) -> None:
    """Rename a group (needs the permission to change its info)."""
    request = SetSessionInfoRequest(session_id=session_id, name=name)
    await conn.call(calls.OURCHAT + "SetSessionInfo", set_session_info.handle, request)


async def rename_user(conn: Connection, user_id: int, name: str) -> None:
    """Rename oneself, or set the name one sees for a friend."""
    if user_id == conn.user_id:
        request = SetSelfInfoRequest(user_name=name)
        await conn.call(calls.OURCHAT + "SetSelfInfo", set_self_info.handle, request)
        return
    friend = SetFriendInfoRequest(id=user_id, display_name=name)
    await conn.call(calls.OURCHAT + "SetFriendInfo", set_friend_info.handle, friend)


async def private_session(conn: Connection, friend_ocid: str) -> int:
    """The two-person session of the caller and a friend.

    Raises:
        NotFound: "Friend Not Found" (no such user, or not a friend).
    """
    from ourchat.storage import friends

    friend_id = await directory.user_id_of(conn.deps, friend_ocid)
    if friend_id is None or conn.user_id is None:
        raise NotFound(details.FRIEND_NOT_FOUND)
    async with conn.deps.db.read() as db:
        session_id = await friends.friend_session(db, conn.user_id, friend_id)
    if session_id is None:
        raise NotFound(details.FRIEND_NOT_FOUND)
    return session_id
