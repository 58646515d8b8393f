from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class GetRoleRequest(_message.Message):
    __slots__ = ("role_id",)
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    role_id: int
    def __init__(self, role_id: _Optional[int] = ...) -> None: ...

class GetRoleResponse(_message.Message):
    __slots__ = ("description", "permissions", "name", "session_id")
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    description: str
    permissions: _containers.RepeatedScalarFieldContainer[int]
    name: str
    session_id: int
    def __init__(self, description: _Optional[str] = ..., permissions: _Optional[_Iterable[int]] = ..., name: _Optional[str] = ..., session_id: _Optional[int] = ...) -> None: ...
