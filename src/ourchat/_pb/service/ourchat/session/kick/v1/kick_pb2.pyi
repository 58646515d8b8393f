from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class KickUserRequest(_message.Message):
    __slots__ = ("session_id", "user_id")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    user_id: int
    def __init__(self, session_id: _Optional[int] = ..., user_id: _Optional[int] = ...) -> None: ...

class KickUserResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
