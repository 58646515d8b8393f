from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class SetSelfInfoRequest(_message.Message):
    __slots__ = ("user_name", "avatar_key", "user_defined_status", "ocid")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    AVATAR_KEY_FIELD_NUMBER: _ClassVar[int]
    USER_DEFINED_STATUS_FIELD_NUMBER: _ClassVar[int]
    OCID_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    avatar_key: str
    user_defined_status: str
    ocid: str
    def __init__(self, user_name: _Optional[str] = ..., avatar_key: _Optional[str] = ..., user_defined_status: _Optional[str] = ..., ocid: _Optional[str] = ...) -> None: ...

class SetSelfInfoResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
