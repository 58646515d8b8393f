from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RunningStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RUNNING_STATUS_UNSPECIFIED: _ClassVar[RunningStatus]
    RUNNING_STATUS_NORMAL: _ClassVar[RunningStatus]
    RUNNING_STATUS_MAINTAINING: _ClassVar[RunningStatus]
RUNNING_STATUS_UNSPECIFIED: RunningStatus
RUNNING_STATUS_NORMAL: RunningStatus
RUNNING_STATUS_MAINTAINING: RunningStatus

class ServerVersion(_message.Message):
    __slots__ = ("major", "minor", "patch")
    MAJOR_FIELD_NUMBER: _ClassVar[int]
    MINOR_FIELD_NUMBER: _ClassVar[int]
    PATCH_FIELD_NUMBER: _ClassVar[int]
    major: int
    minor: int
    patch: int
    def __init__(self, major: _Optional[int] = ..., minor: _Optional[int] = ..., patch: _Optional[int] = ...) -> None: ...

class GetServerInfoResponse(_message.Message):
    __slots__ = ("status", "server_version", "unique_identifier", "server_name")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SERVER_VERSION_FIELD_NUMBER: _ClassVar[int]
    UNIQUE_IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    SERVER_NAME_FIELD_NUMBER: _ClassVar[int]
    status: RunningStatus
    server_version: ServerVersion
    unique_identifier: str
    server_name: str
    def __init__(self, status: _Optional[_Union[RunningStatus, str]] = ..., server_version: _Optional[_Union[ServerVersion, _Mapping]] = ..., unique_identifier: _Optional[str] = ..., server_name: _Optional[str] = ...) -> None: ...
