from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class AddFriendRequest(_message.Message):
    __slots__ = ("friend_id", "leave_message", "display_name")
    FRIEND_ID_FIELD_NUMBER: _ClassVar[int]
    LEAVE_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    friend_id: int
    leave_message: str
    display_name: str
    def __init__(self, friend_id: _Optional[int] = ..., leave_message: _Optional[str] = ..., display_name: _Optional[str] = ...) -> None: ...

class AddFriendResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class NewFriendInvitationNotification(_message.Message):
    __slots__ = ("inviter_id", "invitee_id", "leave_message")
    INVITER_ID_FIELD_NUMBER: _ClassVar[int]
    INVITEE_ID_FIELD_NUMBER: _ClassVar[int]
    LEAVE_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    inviter_id: int
    invitee_id: int
    leave_message: str
    def __init__(self, inviter_id: _Optional[int] = ..., invitee_id: _Optional[int] = ..., leave_message: _Optional[str] = ...) -> None: ...
