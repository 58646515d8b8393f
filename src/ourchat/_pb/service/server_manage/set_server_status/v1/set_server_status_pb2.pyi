from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ServerStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SERVER_STATUS_UNSPECIFIED: _ClassVar[ServerStatus]
    SERVER_STATUS_NORMAL: _ClassVar[ServerStatus]
    SERVER_STATUS_MAINTAINING: _ClassVar[ServerStatus]
SERVER_STATUS_UNSPECIFIED: ServerStatus
SERVER_STATUS_NORMAL: ServerStatus
SERVER_STATUS_MAINTAINING: ServerStatus

class SetServerStatusRequest(_message.Message):
    __slots__ = ("server_status", "reason")
    SERVER_STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    server_status: ServerStatus
    reason: str
    def __init__(self, server_status: _Optional[_Union[ServerStatus, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class SetServerStatusResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
