from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class CreateRoomRequest(_message.Message):
    __slots__ = ("title", "auto_delete", "open_join")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    AUTO_DELETE_FIELD_NUMBER: _ClassVar[int]
    OPEN_JOIN_FIELD_NUMBER: _ClassVar[int]
    title: str
    auto_delete: bool
    open_join: bool
    def __init__(self, title: _Optional[str] = ..., auto_delete: _Optional[bool] = ..., open_join: _Optional[bool] = ...) -> None: ...

class CreateRoomResponse(_message.Message):
    __slots__ = ("room_id",)
    ROOM_ID_FIELD_NUMBER: _ClassVar[int]
    room_id: int
    def __init__(self, room_id: _Optional[int] = ...) -> None: ...
