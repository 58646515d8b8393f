import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from ourchat._pb.service.basic.preset_user_status.v1 import preset_user_status_pb2 as _preset_user_status_pb2
from ourchat._pb.service.basic.server.v1 import server_pb2 as _server_pb2
from ourchat._pb.service.basic.support.v1 import support_pb2 as _support_pb2
from ourchat._pb.service.basic.voip.v1 import get_config_pb2 as _get_config_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TimestampRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TimestampResponse(_message.Message):
    __slots__ = ("timestamp",)
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    timestamp: _timestamp_pb2.Timestamp
    def __init__(self, timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetServerInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetIdRequest(_message.Message):
    __slots__ = ("ocid",)
    OCID_FIELD_NUMBER: _ClassVar[int]
    ocid: str
    def __init__(self, ocid: _Optional[str] = ...) -> None: ...

class GetIdResponse(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class PingRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PingResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
