import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from ourchat._pb.service.ourchat.session.get_session_info.v1 import get_session_info_pb2 as _get_session_info_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SessionType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SESSION_TYPE_UNSPECIFIED: _ClassVar[SessionType]
    SESSION_TYPE_PRIVATE: _ClassVar[SessionType]
    SESSION_TYPE_GROUP: _ClassVar[SessionType]
    SESSION_TYPE_CHANNEL: _ClassVar[SessionType]
SESSION_TYPE_UNSPECIFIED: SessionType
SESSION_TYPE_PRIVATE: SessionType
SESSION_TYPE_GROUP: SessionType
SESSION_TYPE_CHANNEL: SessionType

class SessionFilter(_message.Message):
    __slots__ = ("session_type", "session_name", "created_after", "created_before", "owner_id", "min_members", "max_members")
    SESSION_TYPE_FIELD_NUMBER: _ClassVar[int]
    SESSION_NAME_FIELD_NUMBER: _ClassVar[int]
    CREATED_AFTER_FIELD_NUMBER: _ClassVar[int]
    CREATED_BEFORE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    MIN_MEMBERS_FIELD_NUMBER: _ClassVar[int]
    MAX_MEMBERS_FIELD_NUMBER: _ClassVar[int]
    session_type: SessionType
    session_name: str
    created_after: _timestamp_pb2.Timestamp
    created_before: _timestamp_pb2.Timestamp
    owner_id: int
    min_members: int
    max_members: int
    def __init__(self, session_type: _Optional[_Union[SessionType, str]] = ..., session_name: _Optional[str] = ..., created_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., owner_id: _Optional[int] = ..., min_members: _Optional[int] = ..., max_members: _Optional[int] = ...) -> None: ...

class Pagination(_message.Message):
    __slots__ = ("page", "page_size")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListSessionsRequest(_message.Message):
    __slots__ = ("filter", "pagination", "query_values")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    QUERY_VALUES_FIELD_NUMBER: _ClassVar[int]
    filter: SessionFilter
    pagination: Pagination
    query_values: _containers.RepeatedScalarFieldContainer[_get_session_info_pb2.QueryValues]
    def __init__(self, filter: _Optional[_Union[SessionFilter, _Mapping]] = ..., pagination: _Optional[_Union[Pagination, _Mapping]] = ..., query_values: _Optional[_Iterable[_Union[_get_session_info_pb2.QueryValues, str]]] = ...) -> None: ...

class ListSessionsResponse(_message.Message):
    __slots__ = ("sessions",)
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    sessions: _containers.RepeatedCompositeFieldContainer[_get_session_info_pb2.GetSessionInfoResponse]
    def __init__(self, sessions: _Optional[_Iterable[_Union[_get_session_info_pb2.GetSessionInfoResponse, _Mapping]]] = ...) -> None: ...
