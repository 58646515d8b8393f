from ourchat._pb.service.ourchat.session.new_session.v1 import session_pb2 as _session_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SendRoomKeyNotification(_message.Message):
    __slots__ = ("session_id", "sender", "public_key")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SENDER_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    sender: int
    public_key: bytes
    def __init__(self, session_id: _Optional[int] = ..., sender: _Optional[int] = ..., public_key: _Optional[bytes] = ...) -> None: ...

class ReceiveRoomKeyNotification(_message.Message):
    __slots__ = ("session_id", "user_id", "room_key")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_KEY_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    user_id: int
    room_key: bytes
    def __init__(self, session_id: _Optional[int] = ..., user_id: _Optional[int] = ..., room_key: _Optional[bytes] = ...) -> None: ...

class SendRoomKeyRequest(_message.Message):
    __slots__ = ("session_id", "user_id", "room_key")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_KEY_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    user_id: int
    room_key: bytes
    def __init__(self, session_id: _Optional[int] = ..., user_id: _Optional[int] = ..., room_key: _Optional[bytes] = ...) -> None: ...

class SendRoomKeyResponse(_message.Message):
    __slots__ = ("failed_member",)
    FAILED_MEMBER_FIELD_NUMBER: _ClassVar[int]
    failed_member: _session_pb2.FailedMember
    def __init__(self, failed_member: _Optional[_Union[_session_pb2.FailedMember, _Mapping]] = ...) -> None: ...

class UpdateRoomKeyNotification(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    def __init__(self, session_id: _Optional[int] = ...) -> None: ...
