import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MuteUserRequest(_message.Message):
    __slots__ = ("session_id", "user_ids", "duration")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_IDS_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    user_ids: _containers.RepeatedScalarFieldContainer[int]
    duration: _duration_pb2.Duration
    def __init__(self, session_id: _Optional[int] = ..., user_ids: _Optional[_Iterable[int]] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class MuteUserResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UnmuteUserRequest(_message.Message):
    __slots__ = ("session_id", "user_ids")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_IDS_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    user_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, session_id: _Optional[int] = ..., user_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class UnmuteUserResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
