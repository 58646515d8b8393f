"""Encoding each kind of event as the ``FetchMsgsResponse`` variant clients receive.

The domain passes plain values; this module is the only place outside ``rpc``/``server`` that
builds protobuf messages. ``msg_id`` and ``time`` are added when the event is sent.
"""

from __future__ import annotations

from collections.abc import Iterable

from google.protobuf.message import Message

from ourchat._pb.service.ourchat.friends.accept_friend_invitation.v1 import (
    accept_friend_invitation_pb2 as accept_friend_pb,
)
from ourchat._pb.service.ourchat.friends.add_friend.v1 import add_friend_pb2 as add_friend_pb
from ourchat._pb.service.ourchat.msg_delivery.announcement.v1 import announcement_pb2
from ourchat._pb.service.ourchat.msg_delivery.recall.v1 import recall_pb2
from ourchat._pb.service.ourchat.msg_delivery.v1 import msg_delivery_pb2 as md
from ourchat._pb.service.ourchat.session.allow_user_join_session.v1 import (
    allow_user_join_session_pb2 as allow_pb,
)
from ourchat._pb.service.ourchat.session.invite_user_to_session.v1 import (
    invite_user_to_session_pb2 as invite_pb,
)
from ourchat._pb.service.ourchat.session.join_session.v1 import join_session_pb2 as join_pb
from ourchat._pb.service.ourchat.session.session_room_key.v1 import (
    session_room_key_pb2 as room_key_pb,
)
from ourchat._pb.service.ourchat.webrtc.room_events.v1 import room_events_pb2

_FIELDS = md.FetchMsgsResponse.DESCRIPTOR.fields_by_name


def _encode(variant: str, value: Message) -> tuple[int, bytes]:
    response = md.FetchMsgsResponse()
    getattr(response, variant).CopyFrom(value)
    return _FIELDS[variant].number, response.SerializeToString()


def message(
    *,
    session_id: int,
    sender_id: int,
    markdown_text: str,
    involved_files: Iterable[str],
    is_encrypted: bool,
) -> tuple[int, bytes]:
    """A chat message (variant ``msg``)."""
    return _encode(
        "msg",
        md.Msg(
            markdown_text=markdown_text,
            involved_files=list(involved_files),
            session_id=session_id,
            sender_id=sender_id,
            is_encrypted=is_encrypted,
        ),
    )


def recall(msg_id: int) -> tuple[int, bytes]:
    """A message was recalled (variant ``recall``)."""
    return _encode("recall", recall_pb2.RecallNotification(msg_id=msg_id))


def new_friend_invitation(
    *, inviter_id: int, invitee_id: int, leave_message: str | None
) -> tuple[int, bytes]:
    """Someone asked to be friends (variant ``new_friend_invitation_notification``)."""
    return _encode(
        "new_friend_invitation_notification",
        add_friend_pb.NewFriendInvitationNotification(
            inviter_id=inviter_id, invitee_id=invitee_id, leave_message=leave_message
        ),
    )


def friend_invitation_result(
    *,
    inviter_id: int,
    invitee_id: int,
    leave_message: str | None,
    accepted: bool,
    session_id: int | None,
) -> tuple[int, bytes]:
    """The answer to a friend request (variant ``friend_invitation_result_notification``)."""
    status = (
        accept_friend_pb.ACCEPT_FRIEND_INVITATION_RESULT_SUCCESS
        if accepted
        else accept_friend_pb.ACCEPT_FRIEND_INVITATION_RESULT_FAIL
    )
    return _encode(
        "friend_invitation_result_notification",
        accept_friend_pb.FriendInvitationResultNotification(
            inviter_id=inviter_id,
            invitee_id=invitee_id,
            leave_message=leave_message,
            status=status,
            session_id=session_id,
        ),
    )


def session_invitation(
    *, session_id: int, inviter_id: int, leave_message: str | None, expires_at_us: int
) -> tuple[int, bytes]:
    """An invitation into a session (variant ``invite_user_to_session``)."""
    value = invite_pb.InviteUserToSession(
        session_id=session_id, inviter_id=inviter_id, leave_message=leave_message
    )
    value.expire_timestamp.FromMicroseconds(expires_at_us)
    return _encode("invite_user_to_session", value)


def invitation_answer(
    *, session_id: int, invitee_id: int, accepted: bool, public_key: bytes | None
) -> tuple[int, bytes]:
    """An invitee's answer, for the inviter (variant ``accept_session_approval``)."""
    return _encode(
        "accept_session_approval",
        invite_pb.AcceptSessionNotification(
            session_id=session_id, invitee_id=invitee_id, accepted=accepted, public_key=public_key
        ),
    )


def join_request(
    *, session_id: int, user_id: int, leave_message: str | None, public_key: bytes | None
) -> tuple[int, bytes]:
    """A request to join a session, for its approvers (variant ``join_session_approval``)."""
    return _encode(
        "join_session_approval",
        join_pb.JoinSessionApproval(
            session_id=session_id,
            user_id=user_id,
            leave_message=leave_message,
            public_key=public_key,
        ),
    )


def join_answer(*, session_id: int, accepted: bool, room_key: bytes | None) -> tuple[int, bytes]:
    """The answer to a join request (variant ``allow_user_join_session_notification``)."""
    return _encode(
        "allow_user_join_session_notification",
        allow_pb.AllowUserJoinSessionNotification(
            session_id=session_id, accepted=accepted, room_key=room_key
        ),
    )


def update_room_key(*, session_id: int) -> tuple[int, bytes]:
    """The caller must make a new room key (variant ``update_room_key``)."""
    return _encode("update_room_key", room_key_pb.UpdateRoomKeyNotification(session_id=session_id))


def send_room_key(*, session_id: int, member_id: int, public_key: bytes) -> tuple[int, bytes]:
    """A member the new room key must be wrapped for, with their key (``send_room_key``)."""
    return _encode(
        "send_room_key",
        room_key_pb.SendRoomKeyNotification(
            session_id=session_id, sender=member_id, public_key=public_key
        ),
    )


def receive_room_key(*, session_id: int, from_user_id: int, room_key: bytes) -> tuple[int, bytes]:
    """A wrapped room key handed over by ``from_user_id`` (variant ``receive_room_key``)."""
    return _encode(
        "receive_room_key",
        room_key_pb.ReceiveRoomKeyNotification(
            session_id=session_id, user_id=from_user_id, room_key=room_key
        ),
    )


def announcement(
    *, msg_id: int, time_us: int, title: str, content: str, publisher_id: int
) -> tuple[int, bytes]:
    """A server announcement (variant ``announcement_response``); its id is the event's msg_id."""
    value = announcement_pb2.AnnouncementResponse(
        announcement=announcement_pb2.Announcement(
            title=title, content=content, publisher_id=publisher_id
        ),
        id=msg_id,
    )
    value.created_at.FromMicroseconds(time_us)
    return _encode("announcement_response", value)


def signal(
    *,
    room_id: int,
    from_user_id: int,
    signal_type: int,
    sdp: str,
    ice_candidate: str,
    sdp_mid: str,
    sdp_mline_index: int,
) -> tuple[int, bytes]:
    """A Signal call relayed to its target (variant ``signal``, live only)."""
    return _encode(
        "signal",
        room_events_pb2.SignalNotification(
            room_id=room_id,
            from_user_id=from_user_id,
            signal_type=signal_type,  # type: ignore[arg-type]
            sdp=sdp,
            ice_candidate=ice_candidate,
            sdp_mid=sdp_mid,
            sdp_mline_index=sdp_mline_index,
        ),
    )


#: The variants of room membership notices, by what happened.
ROOM_MEMBER_VARIANTS = {
    "joined": "room_member_joined",
    "left": "room_member_left",
    "kicked": "room_member_kicked",
    "declined": "room_invitation_declined",
    "promoted": "room_admin_promoted",
    "demoted": "room_admin_demoted",
}


def room_member(change: str, *, room_id: int, user_id: int) -> tuple[int, bytes]:
    """A member ``change`` ("joined", "left", "kicked", "promoted", "demoted") of a room, or
    an invitee who "declined" (live only)."""
    return _encode(
        ROOM_MEMBER_VARIANTS[change],
        room_events_pb2.RoomMemberNotification(room_id=room_id, user_id=user_id),
    )


def room_invitation(*, room_id: int, inviter_id: int, title: str) -> tuple[int, bytes]:
    """An invitation into a room, for the invitee to ring (``room_invitation``, live only)."""
    return _encode(
        "room_invitation",
        room_events_pb2.RoomInvitationNotification(
            room_id=room_id, inviter_id=inviter_id, title=title
        ),
    )


def frame(payload: bytes, msg_id: int, time_us: int) -> bytes:
    """The complete ``FetchMsgsResponse`` bytes for a stored variant at ``(msg_id, time)``.

    Protobuf merges concatenated messages, so the position fields are simply appended to the
    stored variant; every stream reuses the same bytes.
    """
    position = md.FetchMsgsResponse(msg_id=msg_id)
    position.time.FromMicroseconds(time_us)
    return payload + position.SerializeToString()
