from ourchat._pb.service.ourchat.webrtc.signal.v1 import signal_pb2 as _signal_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SignalNotification(_message.Message):
    __slots__ = ("room_id", "from_user_id", "signal_type", "sdp", "ice_candidate", "sdp_mid", "sdp_mline_index")
    ROOM_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_USER_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_TYPE_FIELD_NUMBER: _ClassVar[int]
    SDP_FIELD_NUMBER: _ClassVar[int]
    ICE_CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    SDP_MID_FIELD_NUMBER: _ClassVar[int]
    SDP_MLINE_INDEX_FIELD_NUMBER: _ClassVar[int]
    room_id: int
    from_user_id: int
    signal_type: _signal_pb2.SignalType
    sdp: str
    ice_candidate: str
    sdp_mid: str
    sdp_mline_index: int
    def __init__(self, room_id: _Optional[int] = ..., from_user_id: _Optional[int] = ..., signal_type: _Optional[_Union[_signal_pb2.SignalType, str]] = ..., sdp: _Optional[str] = ..., ice_candidate: _Optional[str] = ..., sdp_mid: _Optional[str] = ..., sdp_mline_index: _Optional[int] = ...) -> None: ...

class RoomMemberNotification(_message.Message):
    __slots__ = ("room_id", "user_id")
    ROOM_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    room_id: int
    user_id: int
    def __init__(self, room_id: _Optional[int] = ..., user_id: _Optional[int] = ...) -> None: ...

class RoomInvitationNotification(_message.Message):
    __slots__ = ("room_id", "inviter_id", "title")
    ROOM_ID_FIELD_NUMBER: _ClassVar[int]
    INVITER_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    room_id: int
    inviter_id: int
    title: str
    def __init__(self, room_id: _Optional[int] = ..., inviter_id: _Optional[int] = ..., title: _Optional[str] = ...) -> None: ...
