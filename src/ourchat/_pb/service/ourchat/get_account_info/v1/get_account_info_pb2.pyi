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
    QUERY_VALUES_OCID: _ClassVar[QueryValues]
    QUERY_VALUES_EMAIL: _ClassVar[QueryValues]
    QUERY_VALUES_USER_NAME: _ClassVar[QueryValues]
    QUERY_VALUES_DISPLAY_NAME: _ClassVar[QueryValues]
    QUERY_VALUES_STATUS: _ClassVar[QueryValues]
    QUERY_VALUES_AVATAR_KEY: _ClassVar[QueryValues]
    QUERY_VALUES_REGISTER_TIME: _ClassVar[QueryValues]
    QUERY_VALUES_PUBLIC_UPDATED_TIME: _ClassVar[QueryValues]
    QUERY_VALUES_UPDATED_TIME: _ClassVar[QueryValues]
    QUERY_VALUES_SESSIONS: _ClassVar[QueryValues]
    QUERY_VALUES_FRIENDS: _ClassVar[QueryValues]
QUERY_VALUES_UNSPECIFIED: QueryValues
QUERY_VALUES_OCID: QueryValues
QUERY_VALUES_EMAIL: QueryValues
QUERY_VALUES_USER_NAME: QueryValues
QUERY_VALUES_DISPLAY_NAME: QueryValues
QUERY_VALUES_STATUS: QueryValues
QUERY_VALUES_AVATAR_KEY: QueryValues
QUERY_VALUES_REGISTER_TIME: QueryValues
QUERY_VALUES_PUBLIC_UPDATED_TIME: QueryValues
QUERY_VALUES_UPDATED_TIME: QueryValues
QUERY_VALUES_SESSIONS: QueryValues
QUERY_VALUES_FRIENDS: QueryValues

class GetAccountInfoRequest(_message.Message):
    __slots__ = ("id", "request_values")
    ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_VALUES_FIELD_NUMBER: _ClassVar[int]
    id: int
    request_values: _containers.RepeatedScalarFieldContainer[QueryValues]
    def __init__(self, id: _Optional[int] = ..., request_values: _Optional[_Iterable[_Union[QueryValues, str]]] = ...) -> None: ...

class GetAccountInfoResponse(_message.Message):
    __slots__ = ("ocid", "email", "user_name", "display_name", "status", "avatar_key", "register_time", "public_updated_time", "updated_time", "sessions", "friends")
    OCID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    AVATAR_KEY_FIELD_NUMBER: _ClassVar[int]
    REGISTER_TIME_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_UPDATED_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATED_TIME_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    FRIENDS_FIELD_NUMBER: _ClassVar[int]
    ocid: str
    email: str
    user_name: str
    display_name: str
    status: str
    avatar_key: str
    register_time: _timestamp_pb2.Timestamp
    public_updated_time: _timestamp_pb2.Timestamp
    updated_time: _timestamp_pb2.Timestamp
    sessions: _containers.RepeatedScalarFieldContainer[int]
    friends: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, ocid: _Optional[str] = ..., email: _Optional[str] = ..., user_name: _Optional[str] = ..., display_name: _Optional[str] = ..., status: _Optional[str] = ..., avatar_key: _Optional[str] = ..., register_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., public_updated_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sessions: _Optional[_Iterable[int]] = ..., friends: _Optional[_Iterable[int]] = ...) -> None: ...
