from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class AuthRequest(_message.Message):
    __slots__ = ("email", "ocid", "password")
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    OCID_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    email: str
    ocid: str
    password: str
    def __init__(self, email: _Optional[str] = ..., ocid: _Optional[str] = ..., password: _Optional[str] = ...) -> None: ...

class AuthResponse(_message.Message):
    __slots__ = ("token", "id", "ocid")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    OCID_FIELD_NUMBER: _ClassVar[int]
    token: str
    id: int
    ocid: str
    def __init__(self, token: _Optional[str] = ..., id: _Optional[int] = ..., ocid: _Optional[str] = ...) -> None: ...
