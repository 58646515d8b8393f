"""SDK methods for calls: rooms, their members and admins, signals and the VoIP configuration."""

from __future__ import annotations

from typing import cast

from ourchat._pb.service.basic.voip.v1.get_config_pb2 import (
    GetVoipConfigRequest,
    GetVoipConfigResponse,
)
from ourchat._pb.service.ourchat.webrtc.room.accept_room_invitation.v1 import (
    accept_room_invitation_pb2 as accept_pb,
)
from ourchat._pb.service.ourchat.webrtc.room.create_room.v1 import create_room_pb2
from ourchat._pb.service.ourchat.webrtc.room.demote_admin.v1 import demote_admin_pb2
from ourchat._pb.service.ourchat.webrtc.room.get_room_members.v1 import get_room_members_pb2
from ourchat._pb.service.ourchat.webrtc.room.invite_user.v1 import invite_user_pb2
from ourchat._pb.service.ourchat.webrtc.room.join_room.v1 import join_room_pb2
from ourchat._pb.service.ourchat.webrtc.room.kick_user.v1 import kick_user_pb2
from ourchat._pb.service.ourchat.webrtc.room.leave_room.v1 import leave_room_pb2
from ourchat._pb.service.ourchat.webrtc.room.promote_admin.v1 import promote_admin_pb2
from ourchat._pb.service.ourchat.webrtc.signal.v1 import signal_pb2
from ourchat.client._base import BaseClient

#: Kinds of signal (``SignalType.SIGNAL_TYPE_OFFER`` ...), as sent by :meth:`CallsMixin.signal`.
SignalType = signal_pb2.SignalType


class CallsMixin(BaseClient):
    """Call rooms and WebRTC signalling (see :class:`~ourchat.client.Call` for a whole call)."""

    async def create_room(
        self, *, title: str | None = None, auto_delete: bool = False, open_join: bool = False
    ) -> int:
        """Open a call room (you are its creator and admin); returns its id.

        Args:
            title: shown to members.
            auto_delete: remove the room, rather than archive it, once nobody has been in it
                for a while.
            open_join: anyone may join; otherwise only invited users.
        """
        request = create_room_pb2.CreateRoomRequest(
            title=title, auto_delete=auto_delete, open_join=open_join
        )
        response: create_room_pb2.CreateRoomResponse = await self.call("CreateRoom", request)
        return response.room_id

    async def invite_user_to_room(self, *, room_id: int, user_id: int) -> None:
        """Invite ``user_id`` into a room you are an admin of."""
        request = invite_user_pb2.InviteUserToRoomRequest(room_id=room_id, user_id=user_id)
        await self.call("InviteUserToRoom", request)

    async def join_room(self, room_id: int) -> list[int]:
        """Enter a room's call; returns the other members (the ones to call)."""
        request = join_room_pb2.JoinRoomRequest(room_id=room_id)
        response: join_room_pb2.JoinRoomResponse = await self.call("JoinRoom", request)
        return list(response.existing_users)

    async def accept_room_invitation(self, room_id: int) -> None:
        """Become a member of a room you were invited into, without entering its call."""
        request = accept_pb.AcceptRoomInvitationRequest(room_id=room_id)
        await self.call("AcceptRoomInvitation", request)

    async def get_room_members(self, room_id: int) -> list[int]:
        """The members of a room you belong to, in the order they became members."""
        request = get_room_members_pb2.GetRoomMembersRequest(room_id=room_id)
        response = cast(
            "get_room_members_pb2.GetRoomMembersResponse",
            await self.call("GetRoomMembers", request),
        )
        return list(response.member_ids)

    async def leave_room(self, room_id: int) -> None:
        """Leave a room and its call (admin rights end with it)."""
        await self.call("LeaveRoom", leave_room_pb2.LeaveRoomRequest(room_id=room_id))

    async def promote_room_admin(self, *, room_id: int, user_id: int) -> None:
        """Give a member of a room you administer the admin right."""
        request = promote_admin_pb2.PromoteRoomAdminRequest(room_id=room_id, user_id=user_id)
        await self.call("PromoteRoomAdmin", request)

    async def demote_room_admin(self, *, room_id: int, user_id: int) -> None:
        """Take the admin right from a member (only the room's creator may)."""
        request = demote_admin_pb2.DemoteRoomAdminRequest(room_id=room_id, user_id=user_id)
        await self.call("DemoteRoomAdmin", request)

    async def kick_user_from_room(self, *, room_id: int, user_id: int) -> None:
        """Remove a member from a room you administer."""
        request = kick_user_pb2.KickUserFromRoomRequest(room_id=room_id, user_id=user_id)
        await self.call("KickUserFromRoom", request)

    async def signal(
        self,
        *,
        room_id: int,
        target_user_id: int,
        signal_type: int,
        sdp: str = "",
        ice_candidate: str = "",
        sdp_mid: str = "",
        sdp_mline_index: int = 0,
    ) -> None:
        """Send an SDP offer or answer, or an ICE candidate, to another member of the room.

        The target receives it on their event stream as a ``signal`` event.
        """
        request = signal_pb2.SignalRequest(
            room_id=room_id,
            target_user_id=target_user_id,
            signal_type=signal_type,  # type: ignore[arg-type]
            sdp=sdp,
            ice_candidate=ice_candidate,
            sdp_mid=sdp_mid,
            sdp_mline_index=sdp_mline_index,
        )
        await self.call("Signal", request)

    async def get_voip_config(self) -> GetVoipConfigResponse:
        """STUN servers and the TURN server; TURN credentials only when logged in."""
        return cast(
            "GetVoipConfigResponse", await self.call("GetVoipConfig", GetVoipConfigRequest())
        )
