from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class GetPresetUserStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetPresetUserStatusResponse(_message.Message):
    __slots__ = ("contents",)
    CONTENTS_FIELD_NUMBER: _ClassVar[int]
    contents: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, contents: _Optional[_Iterable[str]] = ...) -> None: ...
