from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SignalType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIGNAL_TYPE_UNSPECIFIED: _ClassVar[SignalType]
    SIGNAL_TYPE_OFFER: _ClassVar[SignalType]
    SIGNAL_TYPE_ANSWER: _ClassVar[SignalType]
    SIGNAL_TYPE_ICE_CANDIDATE: _ClassVar[SignalType]
SIGNAL_TYPE_UNSPECIFIED: SignalType
SIGNAL_TYPE_OFFER: SignalType
SIGNAL_TYPE_ANSWER: SignalType
SIGNAL_TYPE_ICE_CANDIDATE: SignalType

class SignalRequest(_message.Message):
    __slots__ = ("room_id", "target_user_id", "signal_type", "sdp", "ice_candidate", "sdp_mid", "sdp_mline_index")
    ROOM_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_USER_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_TYPE_FIELD_NUMBER: _ClassVar[int]
    SDP_FIELD_NUMBER: _ClassVar[int]
    ICE_CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    SDP_MID_FIELD_NUMBER: _ClassVar[int]
    SDP_MLINE_INDEX_FIELD_NUMBER: _ClassVar[int]
    room_id: int
    target_user_id: int
    signal_type: SignalType
    sdp: str
    ice_candidate: str
    sdp_mid: str
    sdp_mline_index: int
    def __init__(self, room_id: _Optional[int] = ..., target_user_id: _Optional[int] = ..., signal_type: _Optional[_Union[SignalType, str]] = ..., sdp: _Optional[str] = ..., ice_candidate: _Optional[str] = ..., sdp_mid: _Optional[str] = ..., sdp_mline_index: _Optional[int] = ...) -> None: ...

class SignalResponse(_message.Message):
    __slots__ = ("success",)
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    success: bool
    def __init__(self, success: _Optional[bool] = ...) -> None: ...
