"""SDK methods for friends and sessions: requests, membership, moderation and roles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from google.protobuf.duration_pb2 import Duration

from ourchat._pb.service.ourchat.friends.accept_friend_invitation.v1 import (
    accept_friend_invitation_pb2 as accept_friend_pb,
)
from ourchat._pb.service.ourchat.friends.add_friend.v1.add_friend_pb2 import (
    AddFriendRequest,
    AddFriendResponse,
)
from ourchat._pb.service.ourchat.friends.delete_friend.v1.delete_friend_pb2 import (
    DeleteFriendRequest,
    DeleteFriendResponse,
)
from ourchat._pb.service.ourchat.friends.set_friend_info.v1.set_friend_info_pb2 import (
    SetFriendInfoRequest,
    SetFriendInfoResponse,
)
from ourchat._pb.service.ourchat.session.accept_join_session_invitation.v1 import (
    accept_join_session_invitation_pb2 as accept_join_pb,
)
from ourchat._pb.service.ourchat.session.add_role.v1 import add_role_pb2 as add_role_pb
from ourchat._pb.service.ourchat.session.allow_user_join_session.v1 import (
    allow_user_join_session_pb2 as allow_pb,
)
from ourchat._pb.service.ourchat.session.ban.v1 import ban_pb2
from ourchat._pb.service.ourchat.session.delete_session.v1 import delete_session_pb2
from ourchat._pb.service.ourchat.session.e2eeize_and_dee2eeize_session.v1 import (
    e2eeize_and_dee2eeize_session_pb2 as e2ee_pb,
)
from ourchat._pb.service.ourchat.session.get_role.v1 import get_role_pb2
from ourchat._pb.service.ourchat.session.get_session_info.v1 import (
    get_session_info_pb2 as session_info_pb,
)
from ourchat._pb.service.ourchat.session.invite_user_to_session.v1 import (
    invite_user_to_session_pb2 as invite_pb,
)
from ourchat._pb.service.ourchat.session.join_session.v1 import join_session_pb2
from ourchat._pb.service.ourchat.session.kick.v1 import kick_pb2
from ourchat._pb.service.ourchat.session.leave_session.v1 import leave_session_pb2
from ourchat._pb.service.ourchat.session.mute.v1 import mute_pb2
from ourchat._pb.service.ourchat.session.new_session.v1 import session_pb2 as new_session_pb
from ourchat._pb.service.ourchat.session.session_room_key.v1 import session_room_key_pb2
from ourchat._pb.service.ourchat.session.set_role.v1 import set_role_pb2
from ourchat._pb.service.ourchat.session.set_session_info.v1 import set_session_info_pb2
from ourchat.client._base import BaseClient

#: The ``GetSessionInfo`` query values (``SessionValue.QUERY_VALUES_NAME`` ...).
SessionValue = session_info_pb.QueryValues
#: What :meth:`SocialMixin.get_session_info` answers (the values asked for are set).
SessionInfo = session_info_pb.GetSessionInfoResponse

#: Every session value (members and roles need membership).
ALL_SESSION_VALUES: tuple[int, ...] = tuple(
    v for v in session_info_pb.QueryValues.values() if v != session_info_pb.QUERY_VALUES_UNSPECIFIED
)


def _duration(seconds: int | None) -> Duration | None:
    return Duration(seconds=seconds) if seconds is not None else None


class SocialMixin(BaseClient):
    """Friends and sessions."""

    # Friends ---------------------------------------------------------------------------

    async def add_friend(
        self,
        *,
        friend_id: int,
        leave_message: str | None = None,
        display_name: str | None = None,
    ) -> AddFriendResponse:
        """Send a friend request to ``friend_id``.

        Args:
            friend_id: the user to ask.
            leave_message: a note shown with the request.
            display_name: the name under which you will see them once they accept.
        """
        request = AddFriendRequest(
            friend_id=friend_id, leave_message=leave_message, display_name=display_name
        )
        return cast("AddFriendResponse", await self.call("AddFriend", request))

    async def accept_friend_invitation(
        self, *, friend_id: int, accept: bool = True, leave_message: str | None = None
    ) -> accept_friend_pb.AcceptFriendInvitationResponse:
        """Answer the friend request of ``friend_id`` (accept, or decline with ``accept=False``).

        Returns:
            On acceptance, the ``session_id`` of the private session the two now share.
        """
        status = (
            accept_friend_pb.ACCEPT_FRIEND_INVITATION_RESULT_SUCCESS
            if accept
            else accept_friend_pb.ACCEPT_FRIEND_INVITATION_RESULT_FAIL
        )
        request = accept_friend_pb.AcceptFriendInvitationRequest(
            friend_id=friend_id, status=status, leave_message=leave_message
        )
        return cast(
            "accept_friend_pb.AcceptFriendInvitationResponse",
            await self.call("AcceptFriendInvitation", request),
        )

    async def delete_friend(self, *, friend_id: int) -> DeleteFriendResponse:
        """End the friendship with ``friend_id`` (their private session is deleted)."""
        request = DeleteFriendRequest(friend_id=friend_id)
        return cast("DeleteFriendResponse", await self.call("DeleteFriend", request))

    async def set_friend_info(
        self, *, user_id: int, display_name: str | None
    ) -> SetFriendInfoResponse:
        """Set the name under which you see ``user_id``."""
        request = SetFriendInfoRequest(id=user_id, display_name=display_name)
        return cast("SetFriendInfoResponse", await self.call("SetFriendInfo", request))

    # Sessions --------------------------------------------------------------------------

    async def new_session(
        self,
        *,
        members: Iterable[int] = (),
        name: str | None = None,
        leave_message: str | None = None,
        avatar_key: str | None = None,
        e2ee_on: bool = False,
    ) -> new_session_pb.NewSessionResponse:
        """Create a group session you own; friends join at once, others are invited.

        Returns:
            The ``session_id`` and the ``failed_members`` that could not be added.
        """
        request = new_session_pb.NewSessionRequest(
            members=list(members),
            name=name,
            leave_message=leave_message,
            avatar_key=avatar_key,
            e2ee_on=e2ee_on,
        )
        return cast("new_session_pb.NewSessionResponse", await self.call("NewSession", request))

    async def get_session_info(
        self, *, session_id: int, values: Iterable[int] = ALL_SESSION_VALUES
    ) -> session_info_pb.GetSessionInfoResponse:
        """Read values of a session (:data:`SessionValue` numbers; default: all of them)."""
        request = session_info_pb.GetSessionInfoRequest(
            session_id=session_id,
            query_values=list(values),  # type: ignore[arg-type]
        )
        return cast(
            "session_info_pb.GetSessionInfoResponse", await self.call("GetSessionInfo", request)
        )

    async def set_session_info(
        self,
        *,
        session_id: int,
        name: str | None = None,
        description: str | None = None,
        avatar_key: str | None = None,
    ) -> set_session_info_pb2.SetSessionInfoResponse:
        """Change a session's name, description or avatar (only the values given)."""
        request = set_session_info_pb2.SetSessionInfoRequest(
            session_id=session_id, name=name, description=description, avatar_key=avatar_key
        )
        return cast(
            "set_session_info_pb2.SetSessionInfoResponse",
            await self.call("SetSessionInfo", request),
        )

    async def delete_session(self, *, session_id: int) -> delete_session_pb2.DeleteSessionResponse:
        """Delete a session for everyone (owners only)."""
        request = delete_session_pb2.DeleteSessionRequest(session_id=session_id)
        return cast(
            "delete_session_pb2.DeleteSessionResponse", await self.call("DeleteSession", request)
        )

    async def leave_session(self, *, session_id: int) -> leave_session_pb2.LeaveSessionResponse:
        """Leave a session."""
        request = leave_session_pb2.LeaveSessionRequest(session_id=session_id)
        return cast(
            "leave_session_pb2.LeaveSessionResponse", await self.call("LeaveSession", request)
        )

    async def join_session(
        self, *, session_id: int, leave_message: str | None = None
    ) -> join_session_pb2.JoinSessionResponse:
        """Ask to join a session; its moderators decide (see :meth:`allow_user_join_session`)."""
        request = join_session_pb2.JoinSessionRequest(
            session_id=session_id, leave_message=leave_message
        )
        return cast("join_session_pb2.JoinSessionResponse", await self.call("JoinSession", request))

    async def allow_user_join_session(
        self, *, session_id: int, user_id: int, accepted: bool = True, room_key: bytes | None = None
    ) -> allow_pb.AllowUserJoinSessionResponse:
        """Answer ``user_id``'s request to join ``session_id``."""
        request = allow_pb.AllowUserJoinSessionRequest(
            session_id=session_id, user_id=user_id, accepted=accepted, room_key=room_key
        )
        return cast(
            "allow_pb.AllowUserJoinSessionResponse",
            await self.call("AllowUserJoinSession", request),
        )

    async def invite_user_to_session(
        self, *, session_id: int, invitee: int, leave_message: str | None = None
    ) -> invite_pb.InviteUserToSessionResponse:
        """Invite ``invitee`` into ``session_id``.

        Returns:
            ``failed_member`` set when the user does not exist.
        """
        request = invite_pb.InviteUserToSessionRequest(
            session_id=session_id, invitee=invitee, leave_message=leave_message
        )
        return cast(
            "invite_pb.InviteUserToSessionResponse",
            await self.call("InviteUserToSession", request),
        )

    async def accept_join_session_invitation(
        self, *, session_id: int, accepted: bool = True, inviter_id: int = 0
    ) -> accept_join_pb.AcceptJoinSessionInvitationResponse:
        """Accept (or decline) an invitation into ``session_id``.

        ``inviter_id`` is sent for older servers; ourchat answers the recorded inviter.
        """
        request = accept_join_pb.AcceptJoinSessionInvitationRequest(
            session_id=session_id, accepted=accepted, inviter_id=inviter_id
        )
        return cast(
            "accept_join_pb.AcceptJoinSessionInvitationResponse",
            await self.call("AcceptJoinSessionInvitation", request),
        )

    # Moderation and roles --------------------------------------------------------------

    async def kick_user(self, *, session_id: int, user_id: int) -> kick_pb2.KickUserResponse:
        """Remove a member from a session."""
        request = kick_pb2.KickUserRequest(session_id=session_id, user_id=user_id)
        return cast("kick_pb2.KickUserResponse", await self.call("KickUser", request))

    async def mute_user(
        self, *, session_id: int, user_ids: Iterable[int] = (), duration_s: int | None = None
    ) -> mute_pb2.MuteUserResponse:
        """Mute members (all of the session when ``user_ids`` is empty); permanent by default."""
        request = mute_pb2.MuteUserRequest(
            session_id=session_id, user_ids=list(user_ids), duration=_duration(duration_s)
        )
        return cast("mute_pb2.MuteUserResponse", await self.call("MuteUser", request))

    async def unmute_user(
        self, *, session_id: int, user_ids: Iterable[int] = ()
    ) -> mute_pb2.UnmuteUserResponse:
        """Lift mutes (the session-wide one when ``user_ids`` is empty)."""
        request = mute_pb2.UnmuteUserRequest(session_id=session_id, user_ids=list(user_ids))
        return cast("mute_pb2.UnmuteUserResponse", await self.call("UnmuteUser", request))

    async def ban_user(
        self, *, session_id: int, user_ids: Iterable[int] = (), duration_s: int | None = None
    ) -> ban_pb2.BanUserResponse:
        """Ban users from a session (everyone without unban rights when empty)."""
        request = ban_pb2.BanUserRequest(
            session_id=session_id, user_ids=list(user_ids), duration=_duration(duration_s)
        )
        return cast("ban_pb2.BanUserResponse", await self.call("BanUser", request))

    async def unban_user(
        self, *, session_id: int, user_ids: Iterable[int] = ()
    ) -> ban_pb2.UnbanUserResponse:
        """Lift bans (the session-wide one when ``user_ids`` is empty)."""
        request = ban_pb2.UnbanUserRequest(session_id=session_id, user_ids=list(user_ids))
        return cast("ban_pb2.UnbanUserResponse", await self.call("UnbanUser", request))

    async def set_role(
        self, *, session_id: int, member_id: int, role_id: int
    ) -> set_role_pb2.SetRoleResponse:
        """Give a member a role (1 member, 2 admin, 3 owner, or a custom role)."""
        request = set_role_pb2.SetRoleRequest(
            session_id=session_id, member_id=member_id, role_id=role_id
        )
        return cast("set_role_pb2.SetRoleResponse", await self.call("SetRole", request))

    async def add_role(
        self,
        *,
        session_id: int,
        name: str,
        permissions: Iterable[int] = (),
        description: str | None = None,
    ) -> int:
        """Create a custom role in a session; returns its id."""
        request = add_role_pb.AddRoleRequest(
            session_id=session_id,
            name=name,
            permissions=list(permissions),
            description=description,
        )
        response: add_role_pb.AddRoleResponse = await self.call("AddRole", request)
        return response.role_id

    async def get_role(self, *, role_id: int) -> get_role_pb2.GetRoleResponse:
        """A role's name, description, permissions and session."""
        request = get_role_pb2.GetRoleRequest(role_id=role_id)
        return cast("get_role_pb2.GetRoleResponse", await self.call("GetRole", request))

    # End-to-end encryption keys --------------------------------------------------------

    async def send_room_key(
        self, *, session_id: int, user_id: int, room_key: bytes
    ) -> session_room_key_pb2.SendRoomKeyResponse:
        """Hand an encrypted room key to one member."""
        request = session_room_key_pb2.SendRoomKeyRequest(
            session_id=session_id, user_id=user_id, room_key=room_key
        )
        return cast(
            "session_room_key_pb2.SendRoomKeyResponse", await self.call("SendRoomKey", request)
        )

    async def e2eeize_session(self, *, session_id: int) -> e2ee_pb.E2eeizeSessionResponse:
        """Turn end-to-end encryption on for a session."""
        request = e2ee_pb.E2eeizeSessionRequest(session_id=session_id)
        return cast("e2ee_pb.E2eeizeSessionResponse", await self.call("E2eeizeSession", request))

    async def dee2eeize_session(self, *, session_id: int) -> e2ee_pb.Dee2eeizeSessionResponse:
        """Turn end-to-end encryption off for a session."""
        request = e2ee_pb.Dee2eeizeSessionRequest(session_id=session_id)
        return cast(
            "e2ee_pb.Dee2eeizeSessionResponse", await self.call("Dee2eeizeSession", request)
        )
