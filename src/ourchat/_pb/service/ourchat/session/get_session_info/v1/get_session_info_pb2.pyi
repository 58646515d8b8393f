import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class QueryValues(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUERY_VALUES_UNSPECIFIED: _ClassVar[QueryValues]
    QUERY_VALUES_SESSION_ID: _ClassVar[QueryValues]
    QUERY_VALUES_NAME: _ClassVar[QueryValues]
    QUERY_VALUES_AVATAR_KEY: _ClassVar[QueryValues]
    QUERY_VALUES_CREATED_TIME: _ClassVar[QueryValues]
    QUERY_VALUES_UPDATED_TIME: _ClassVar[QueryValues]
    QUERY_VALUES_MEMBERS: _ClassVar[QueryValues]
    QUERY_VALUES_ROLES: _ClassVar[QueryValues]
    QUERY_VALUES_SIZE: _ClassVar[QueryValues]
    QUERY_VALUES_DESCRIPTION: _ClassVar[QueryValues]
QUERY_VALUES_UNSPECIFIED: QueryValues
QUERY_VALUES_SESSION_ID: QueryValues
QUERY_VALUES_NAME: QueryValues
QUERY_VALUES_AVATAR_KEY: QueryValues
QUERY_VALUES_CREATED_TIME: QueryValues
QUERY_VALUES_UPDATED_TIME: QueryValues
QUERY_VALUES_MEMBERS: QueryValues
QUERY_VALUES_ROLES: QueryValues
QUERY_VALUES_SIZE: QueryValues
QUERY_VALUES_DESCRIPTION: QueryValues

class RoleInfo(_message.Message):
    __slots__ = ("role", "user_id")
    ROLE_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    role: int
    user_id: int
    def __init__(self, role: _Optional[int] = ..., user_id: _Optional[int] = ...) -> None: ...

class GetSessionInfoRequest(_message.Message):
    __slots__ = ("session_id", "query_values")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    QUERY_VALUES_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    query_values: _containers.RepeatedScalarFieldContainer[QueryValues]
    def __init__(self, session_id: _Optional[int] = ..., query_values: _Optional[_Iterable[_Union[QueryValues, str]]] = ...) -> None: ...

class GetSessionInfoResponse(_message.Message):
    __slots__ = ("session_id", "name", "avatar_key", "created_time", "updated_time", "members", "roles", "size", "description")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    AVATAR_KEY_FIELD_NUMBER: _ClassVar[int]
    CREATED_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATED_TIME_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    name: str
    avatar_key: str
    created_time: _timestamp_pb2.Timestamp
    updated_time: _timestamp_pb2.Timestamp
    members: _containers.RepeatedScalarFieldContainer[int]
    roles: _containers.RepeatedCompositeFieldContainer[RoleInfo]
    size: int
    description: str
    def __init__(self, session_id: _Optional[int] = ..., name: _Optional[str] = ..., avatar_key: _Optional[str] = ..., created_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., members: _Optional[_Iterable[int]] = ..., roles: _Optional[_Iterable[_Union[RoleInfo, _Mapping]]] = ..., size: _Optional[int] = ..., description: _Optional[str] = ...) -> None: ...
