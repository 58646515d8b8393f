from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class RecallMsgRequest(_message.Message):
    __slots__ = ("msg_id", "session_id")
    MSG_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    msg_id: int
    session_id: int
    def __init__(self, msg_id: _Optional[int] = ..., session_id: _Optional[int] = ...) -> None: ...

class RecallMsgResponse(_message.Message):
    __slots__ = ("msg_id",)
    MSG_ID_FIELD_NUMBER: _ClassVar[int]
    msg_id: int
    def __init__(self, msg_id: _Optional[int] = ...) -> None: ...

class RecallNotification(_message.Message):
    __slots__ = ("msg_id",)
    MSG_ID_FIELD_NUMBER: _ClassVar[int]
    msg_id: int
    def __init__(self, msg_id: _Optional[int] = ...) -> None: ...
