from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class AcceptJoinSessionInvitationRequest(_message.Message):
    __slots__ = ("session_id", "accepted", "inviter_id")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    INVITER_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: int
    accepted: bool
    inviter_id: int
    def __init__(self, session_id: _Optional[int] = ..., accepted: _Optional[bool] = ..., inviter_id: _Optional[int] = ...) -> None: ...

class AcceptJoinSessionInvitationResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
