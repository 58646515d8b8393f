from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FailedReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FAILED_REASON_UNSPECIFIED: _ClassVar[FailedReason]
    FAILED_REASON_MEMBER_NOT_FOUND: _ClassVar[FailedReason]
    FAILED_REASON_MEMBER_PRIVACY: _ClassVar[FailedReason]
FAILED_REASON_UNSPECIFIED: FailedReason
FAILED_REASON_MEMBER_NOT_FOUND: FailedReason
FAILED_REASON_MEMBER_PRIVACY: FailedReason

class NewSessionRequest(_message.Message):
    __slots__ = ("members", "name", "leave_message", "avatar_key", "e2ee_on")
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEAVE_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    AVATAR_KEY_FIELD_NUMBER: _ClassVar[int]
    E2EE_ON_FIELD_NUMBER: _ClassVar[int]
    members: _containers.RepeatedScalarFieldContainer[int]
    name: str
    leave_message: str
    avatar_key: str
    e2ee_on: bool
    def __init__(self, members: _Optional[_Iterable[int]] = ..., name: _Optional[str] = ..., leave_message: _Optional[str] = ..., avatar_key: _Optional[str] = ..., e2ee_on: _Optional[bool] = ...) -> None: ...

class FailedMember(_message.Message):
    __slots__ = ("id", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: int
    reason: FailedReason
    def __init__(self, id: _Optional[int] = ..., reason: _Optional[_Union[FailedReason, str]] = ...) -> None: ...

class NewSessionResponse(_message.Message):
    __slots__ = ("session_id", "failed_members")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    FAILED_MEMBERS_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    failed_members: _containers.RepeatedCompositeFieldContainer[FailedMember]
    def __init__(self, session_id: _Optional[int] = ..., failed_members: _Optional[_Iterable[_Union[FailedMember, _Mapping]]] = ...) -> None: ...
