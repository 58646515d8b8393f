import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from ourchat._pb.service.ourchat.session.new_session.v1 import session_pb2 as _session_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class InviteUserToSession(_message.Message):
    __slots__ = ("session_id", "inviter_id", "leave_message", "expire_timestamp")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    INVITER_ID_FIELD_NUMBER: _ClassVar[int]
    LEAVE_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    inviter_id: int
    leave_message: str
    expire_timestamp: _timestamp_pb2.Timestamp
    def __init__(self, session_id: _Optional[int] = ..., inviter_id: _Optional[int] = ..., leave_message: _Optional[str] = ..., expire_timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class InviteUserToSessionRequest(_message.Message):
    __slots__ = ("session_id", "invitee", "leave_message")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    INVITEE_FIELD_NUMBER: _ClassVar[int]
    LEAVE_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    invitee: int
    leave_message: str
    def __init__(self, session_id: _Optional[int] = ..., invitee: _Optional[int] = ..., leave_message: _Optional[str] = ...) -> None: ...

class InviteUserToSessionResponse(_message.Message):
    __slots__ = ("failed_member",)
    FAILED_MEMBER_FIELD_NUMBER: _ClassVar[int]
    failed_member: _session_pb2.FailedMember
    def __init__(self, failed_member: _Optional[_Union[_session_pb2.FailedMember, _Mapping]] = ...) -> None: ...

class AcceptSessionNotification(_message.Message):
    __slots__ = ("session_id", "invitee_id", "accepted", "public_key")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    INVITEE_ID_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    invitee_id: int
    accepted: bool
    public_key: bytes
    def __init__(self, session_id: _Optional[int] = ..., invitee_id: _Optional[int] = ..., accepted: _Optional[bool] = ..., public_key: _Optional[bytes] = ...) -> None: ...
