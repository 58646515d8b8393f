from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class JoinRoomRequest(_message.Message):
    __slots__ = ("room_id",)
    ROOM_ID_FIELD_NUMBER: _ClassVar[int]
    room_id: int
    def __init__(self, room_id: _Optional[int] = ...) -> None: ...

class JoinRoomResponse(_message.Message):
    __slots__ = ("success", "existing_users")
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    EXISTING_USERS_FIELD_NUMBER: _ClassVar[int]
    success: bool
    existing_users: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, success: _Optional[bool] = ..., existing_users: _Optional[_Iterable[int]] = ...) -> None: ...
