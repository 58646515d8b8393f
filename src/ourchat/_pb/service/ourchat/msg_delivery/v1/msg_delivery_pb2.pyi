import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from ourchat._pb.service.ourchat.friends.accept_friend_invitation.v1 import accept_friend_invitation_pb2 as _accept_friend_invitation_pb2
from ourchat._pb.service.ourchat.friends.add_friend.v1 import add_friend_pb2 as _add_friend_pb2
from ourchat._pb.service.ourchat.msg_delivery.announcement.v1 import announcement_pb2 as _announcement_pb2
from ourchat._pb.service.ourchat.msg_delivery.recall.v1 import recall_pb2 as _recall_pb2
from ourchat._pb.service.ourchat.session.allow_user_join_session.v1 import allow_user_join_session_pb2 as _allow_user_join_session_pb2
from ourchat._pb.service.ourchat.session.invite_user_to_session.v1 import invite_user_to_session_pb2 as _invite_user_to_session_pb2
from ourchat._pb.service.ourchat.session.join_session.v1 import join_session_pb2 as _join_session_pb2
from ourchat._pb.service.ourchat.session.session_room_key.v1 import session_room_key_pb2 as _session_room_key_pb2
from ourchat._pb.service.ourchat.webrtc.room_events.v1 import room_events_pb2 as _room_events_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SendMsgRequest(_message.Message):
    __slots__ = ("session_id", "markdown_text", "involved_files", "is_encrypted")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    MARKDOWN_TEXT_FIELD_NUMBER: _ClassVar[int]
    INVOLVED_FILES_FIELD_NUMBER: _ClassVar[int]
    IS_ENCRYPTED_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    markdown_text: str
    involved_files: _containers.RepeatedScalarFieldContainer[str]
    is_encrypted: bool
    def __init__(self, session_id: _Optional[int] = ..., markdown_text: _Optional[str] = ..., involved_files: _Optional[_Iterable[str]] = ..., is_encrypted: _Optional[bool] = ...) -> None: ...

class FetchMsgsRequest(_message.Message):
    __slots__ = ("time", "announcement_only")
    TIME_FIELD_NUMBER: _ClassVar[int]
    ANNOUNCEMENT_ONLY_FIELD_NUMBER: _ClassVar[int]
    time: _timestamp_pb2.Timestamp
    announcement_only: bool
    def __init__(self, time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., announcement_only: _Optional[bool] = ...) -> None: ...

class FetchMsgsResponse(_message.Message):
    __slots__ = ("msg", "invite_user_to_session", "friend_invitation_result_notification", "recall", "join_session_approval", "allow_user_join_session_notification", "new_friend_invitation_notification", "announcement_response", "accept_session_approval", "receive_room_key", "send_room_key", "update_room_key", "signal", "room_member_joined", "room_member_left", "room_member_kicked", "room_invitation", "room_invitation_declined", "room_admin_promoted", "room_admin_demoted", "msg_id", "time")
    MSG_FIELD_NUMBER: _ClassVar[int]
    INVITE_USER_TO_SESSION_FIELD_NUMBER: _ClassVar[int]
    FRIEND_INVITATION_RESULT_NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    RECALL_FIELD_NUMBER: _ClassVar[int]
    JOIN_SESSION_APPROVAL_FIELD_NUMBER: _ClassVar[int]
    ALLOW_USER_JOIN_SESSION_NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    NEW_FRIEND_INVITATION_NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    ANNOUNCEMENT_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    ACCEPT_SESSION_APPROVAL_FIELD_NUMBER: _ClassVar[int]
    RECEIVE_ROOM_KEY_FIELD_NUMBER: _ClassVar[int]
    SEND_ROOM_KEY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_ROOM_KEY_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    ROOM_MEMBER_JOINED_FIELD_NUMBER: _ClassVar[int]
    ROOM_MEMBER_LEFT_FIELD_NUMBER: _ClassVar[int]
    ROOM_MEMBER_KICKED_FIELD_NUMBER: _ClassVar[int]
    ROOM_INVITATION_FIELD_NUMBER: _ClassVar[int]
    ROOM_INVITATION_DECLINED_FIELD_NUMBER: _ClassVar[int]
    ROOM_ADMIN_PROMOTED_FIELD_NUMBER: _ClassVar[int]
    ROOM_ADMIN_DEMOTED_FIELD_NUMBER: _ClassVar[int]
    MSG_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    msg: Msg
    invite_user_to_session: _invite_user_to_session_pb2.InviteUserToSession
    friend_invitation_result_notification: _accept_friend_invitation_pb2.FriendInvitationResultNotification
    recall: _recall_pb2.RecallNotification
    join_session_approval: _join_session_pb2.JoinSessionApproval
    allow_user_join_session_notification: _allow_user_join_session_pb2.AllowUserJoinSessionNotification
    new_friend_invitation_notification: _add_friend_pb2.NewFriendInvitationNotification
    announcement_response: _announcement_pb2.AnnouncementResponse
    accept_session_approval: _invite_user_to_session_pb2.AcceptSessionNotification
    receive_room_key: _session_room_key_pb2.ReceiveRoomKeyNotification
    send_room_key: _session_room_key_pb2.SendRoomKeyNotification
    update_room_key: _session_room_key_pb2.UpdateRoomKeyNotification
    signal: _room_events_pb2.SignalNotification
    room_member_joined: _room_events_pb2.RoomMemberNotification
    room_member_left: _room_events_pb2.RoomMemberNotification
    room_member_kicked: _room_events_pb2.RoomMemberNotification
    room_invitation: _room_events_pb2.RoomInvitationNotification
    room_invitation_declined: _room_events_pb2.RoomMemberNotification
    room_admin_promoted: _room_events_pb2.RoomMemberNotification
    room_admin_demoted: _room_events_pb2.RoomMemberNotification
    msg_id: int
    time: _timestamp_pb2.Timestamp
    def __init__(self, msg: _Optional[_Union[Msg, _Mapping]] = ..., invite_user_to_session: _Optional[_Union[_invite_user_to_session_pb2.InviteUserToSession, _Mapping]] = ..., friend_invitation_result_notification: _Optional[_Union[_accept_friend_invitation_pb2.FriendInvitationResultNotification, _Mapping]] = ..., recall: _Optional[_Union[_recall_pb2.RecallNotification, _Mapping]] = ..., join_session_approval: _Optional[_Union[_join_session_pb2.JoinSessionApproval, _Mapping]] = ..., allow_user_join_session_notification: _Optional[_Union[_allow_user_join_session_pb2.AllowUserJoinSessionNotification, _Mapping]] = ..., new_friend_invitation_notification: _Optional[_Union[_add_friend_pb2.NewFriendInvitationNotification, _Mapping]] = ..., announcement_response: _Optional[_Union[_announcement_pb2.AnnouncementResponse, _Mapping]] = ..., accept_session_approval: _Optional[_Union[_invite_user_to_session_pb2.AcceptSessionNotification, _Mapping]] = ..., receive_room_key: _Optional[_Union[_session_room_key_pb2.ReceiveRoomKeyNotification, _Mapping]] = ..., send_room_key: _Optional[_Union[_session_room_key_pb2.SendRoomKeyNotification, _Mapping]] = ..., update_room_key: _Optional[_Union[_session_room_key_pb2.UpdateRoomKeyNotification, _Mapping]] = ..., signal: _Optional[_Union[_room_events_pb2.SignalNotification, _Mapping]] = ..., room_member_joined: _Optional[_Union[_room_events_pb2.RoomMemberNotification, _Mapping]] = ..., room_member_left: _Optional[_Union[_room_events_pb2.RoomMemberNotification, _Mapping]] = ..., room_member_kicked: _Optional[_Union[_room_events_pb2.RoomMemberNotification, _Mapping]] = ..., room_invitation: _Optional[_Union[_room_events_pb2.RoomInvitationNotification, _Mapping]] = ..., room_invitation_declined: _Optional[_Union[_room_events_pb2.RoomMemberNotification, _Mapping]] = ..., room_admin_promoted: _Optional[_Union[_room_events_pb2.RoomMemberNotification, _Mapping]] = ..., room_admin_demoted: _Optional[_Union[_room_events_pb2.RoomMemberNotification, _Mapping]] = ..., msg_id: _Optional[int] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Msg(_message.Message):
    __slots__ = ("markdown_text", "involved_files", "session_id", "sender_id", "is_encrypted")
    MARKDOWN_TEXT_FIELD_NUMBER: _ClassVar[int]
    INVOLVED_FILES_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SENDER_ID_FIELD_NUMBER: _ClassVar[int]
    IS_ENCRYPTED_FIELD_NUMBER: _ClassVar[int]
    markdown_text: str
    involved_files: _containers.RepeatedScalarFieldContainer[str]
    session_id: int
    sender_id: int
    is_encrypted: bool
    def __init__(self, markdown_text: _Optional[str] = ..., involved_files: _Optional[_Iterable[str]] = ..., session_id: _Optional[int] = ..., sender_id: _Optional[int] = ..., is_encrypted: _Optional[bool] = ...) -> None: ...

class SendMsgResponse(_message.Message):
    __slots__ = ("msg_id", "time")
    MSG_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    msg_id: int
    time: _timestamp_pb2.Timestamp
    def __init__(self, msg_id: _Optional[int] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
