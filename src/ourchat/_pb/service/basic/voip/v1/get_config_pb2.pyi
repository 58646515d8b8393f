from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class GetVoipConfigRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetVoipConfigResponse(_message.Message):
    __slots__ = ("stun_servers", "turn_enabled", "turn_server_url", "turn_username", "turn_password", "turn_ttl")
    STUN_SERVERS_FIELD_NUMBER: _ClassVar[int]
    TURN_ENABLED_FIELD_NUMBER: _ClassVar[int]
    TURN_SERVER_URL_FIELD_NUMBER: _ClassVar[int]
    TURN_USERNAME_FIELD_NUMBER: _ClassVar[int]
    TURN_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    TURN_TTL_FIELD_NUMBER: _ClassVar[int]
    stun_servers: _containers.RepeatedScalarFieldContainer[str]
    turn_enabled: bool
    turn_server_url: str
    turn_username: str
    turn_password: str
    turn_ttl: int
    def __init__(self, stun_servers: _Optional[_Iterable[str]] = ..., turn_enabled: _Optional[bool] = ..., turn_server_url: _Optional[str] = ..., turn_username: _Optional[str] = ..., turn_password: _Optional[str] = ..., turn_ttl: _Optional[int] = ...) -> None: ...
