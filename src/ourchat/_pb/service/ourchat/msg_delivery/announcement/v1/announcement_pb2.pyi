import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Announcement(_message.Message):
    __slots__ = ("content", "title", "publisher_id")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PUBLISHER_ID_FIELD_NUMBER: _ClassVar[int]
    content: str
    title: str
    publisher_id: int
    def __init__(self, content: _Optional[str] = ..., title: _Optional[str] = ..., publisher_id: _Optional[int] = ...) -> None: ...

class AnnouncementResponse(_message.Message):
    __slots__ = ("announcement", "created_at", "id")
    ANNOUNCEMENT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    announcement: Announcement
    created_at: _timestamp_pb2.Timestamp
    id: int
    def __init__(self, announcement: _Optional[_Union[Announcement, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., id: _Optional[int] = ...) -> None: ...
