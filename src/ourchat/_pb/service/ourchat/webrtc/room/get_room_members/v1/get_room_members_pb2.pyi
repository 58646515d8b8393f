from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class GetRoomMembersRequest(_message.Message):
    __slots__ = ("room_id",)
    ROOM_ID_FIELD_NUMBER: _ClassVar[int]
    room_id: int
    def __init__(self, room_id: _Optional[int] = ...) -> None: ...

class GetRoomMembersResponse(_message.Message):
    __slots__ = ("success", "member_ids", "member_count")
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    MEMBER_IDS_FIELD_NUMBER: _ClassVar[int]
    MEMBER_COUNT_FIELD_NUMBER: _ClassVar[int]
    success: bool
    member_ids: _containers.RepeatedScalarFieldContainer[int]
    member_count: int
    def __init__(self, success: _Optional[bool] = ..., member_ids: _Optional[_Iterable[int]] = ..., member_count: _Optional[int] = ...) -> None: ...
