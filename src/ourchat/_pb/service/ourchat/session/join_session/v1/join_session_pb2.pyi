from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class JoinSessionRequest(_message.Message):
    __slots__ = ("session_id", "leave_message")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    LEAVE_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    leave_message: str
    def __init__(self, session_id: _Optional[int] = ..., leave_message: _Optional[str] = ...) -> None: ...

class JoinSessionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class JoinSessionApproval(_message.Message):
    __slots__ = ("session_id", "user_id", "leave_message", "public_key")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    LEAVE_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    user_id: int
    leave_message: str
    public_key: bytes
    def __init__(self, session_id: _Optional[int] = ..., user_id: _Optional[int] = ..., leave_message: _Optional[str] = ..., public_key: _Optional[bytes] = ...) -> None: ...
