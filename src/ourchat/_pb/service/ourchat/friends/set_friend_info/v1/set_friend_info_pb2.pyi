from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class SetFriendInfoRequest(_message.Message):
    __slots__ = ("id", "display_name")
    ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    id: int
    display_name: str
    def __init__(self, id: _Optional[int] = ..., display_name: _Optional[str] = ...) -> None: ...

class SetFriendInfoResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
