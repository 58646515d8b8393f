from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class SetSessionInfoRequest(_message.Message):
    __slots__ = ("session_id", "name", "description", "avatar_key")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    AVATAR_KEY_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    name: str
    description: str
    avatar_key: str
    def __init__(self, session_id: _Optional[int] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., avatar_key: _Optional[str] = ...) -> None: ...

class SetSessionInfoResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
