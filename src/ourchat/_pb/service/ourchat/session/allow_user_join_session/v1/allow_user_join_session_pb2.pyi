from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class AllowUserJoinSessionRequest(_message.Message):
    __slots__ = ("session_id", "user_id", "accepted", "room_key")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    ROOM_KEY_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    user_id: int
    accepted: bool
    room_key: bytes
    def __init__(self, session_id: _Optional[int] = ..., user_id: _Optional[int] = ..., accepted: _Optional[bool] = ..., room_key: _Optional[bytes] = ...) -> None: ...

class AllowUserJoinSessionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AllowUserJoinSessionNotification(_message.Message):
    __slots__ = ("session_id", "accepted", "room_key")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    ROOM_KEY_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    accepted: bool
    room_key: bytes
    def __init__(self, session_id: _Optional[int] = ..., accepted: _Optional[bool] = ..., room_key: _Optional[bytes] = ...) -> None: ...
