from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AcceptFriendInvitationResult(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACCEPT_FRIEND_INVITATION_RESULT_UNSPECIFIED: _ClassVar[AcceptFriendInvitationResult]
    ACCEPT_FRIEND_INVITATION_RESULT_SUCCESS: _ClassVar[AcceptFriendInvitationResult]
    ACCEPT_FRIEND_INVITATION_RESULT_FAIL: _ClassVar[AcceptFriendInvitationResult]
ACCEPT_FRIEND_INVITATION_RESULT_UNSPECIFIED: AcceptFriendInvitationResult
ACCEPT_FRIEND_INVITATION_RESULT_SUCCESS: AcceptFriendInvitationResult
ACCEPT_FRIEND_INVITATION_RESULT_FAIL: AcceptFriendInvitationResult

class AcceptFriendInvitationRequest(_message.Message):
    __slots__ = ("friend_id", "status", "leave_message")
    FRIEND_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LEAVE_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    friend_id: int
    status: AcceptFriendInvitationResult
    leave_message: str
    def __init__(self, friend_id: _Optional[int] = ..., status: _Optional[_Union[AcceptFriendInvitationResult, str]] = ..., leave_message: _Optional[str] = ...) -> None: ...

class AcceptFriendInvitationResponse(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    def __init__(self, session_id: _Optional[int] = ...) -> None: ...

class FriendInvitationResultNotification(_message.Message):
    __slots__ = ("inviter_id", "invitee_id", "leave_message", "status", "session_id")
    INVITER_ID_FIELD_NUMBER: _ClassVar[int]
    INVITEE_ID_FIELD_NUMBER: _ClassVar[int]
    LEAVE_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    inviter_id: int
    invitee_id: int
    leave_message: str
    status: AcceptFriendInvitationResult
    session_id: int
    def __init__(self, inviter_id: _Optional[int] = ..., invitee_id: _Optional[int] = ..., leave_message: _Optional[str] = ..., status: _Optional[_Union[AcceptFriendInvitationResult, str]] = ..., session_id: _Optional[int] = ...) -> None: ...
