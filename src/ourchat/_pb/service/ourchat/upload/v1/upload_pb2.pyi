from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UploadRequest(_message.Message):
    __slots__ = ("metadata", "content")
    METADATA_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    metadata: Header
    content: bytes
    def __init__(self, metadata: _Optional[_Union[Header, _Mapping]] = ..., content: _Optional[bytes] = ...) -> None: ...

class Header(_message.Message):
    __slots__ = ("hash", "size", "auto_clean", "session_id")
    HASH_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    AUTO_CLEAN_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    hash: bytes
    size: int
    auto_clean: bool
    session_id: int
    def __init__(self, hash: _Optional[bytes] = ..., size: _Optional[int] = ..., auto_clean: _Optional[bool] = ..., session_id: _Optional[int] = ...) -> None: ...

class UploadResponse(_message.Message):
    __slots__ = ("key",)
    KEY_FIELD_NUMBER: _ClassVar[int]
    key: str
    def __init__(self, key: _Optional[str] = ...) -> None: ...

class StartUploadRequest(_message.Message):
    __slots__ = ("hash", "size", "auto_clean", "session_id")
    HASH_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    AUTO_CLEAN_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    hash: bytes
    size: int
    auto_clean: bool
    session_id: int
    def __init__(self, hash: _Optional[bytes] = ..., size: _Optional[int] = ..., auto_clean: _Optional[bool] = ..., session_id: _Optional[int] = ...) -> None: ...

class StartUploadResponse(_message.Message):
    __slots__ = ("upload_id", "chunk_size", "timeout_seconds")
    UPLOAD_ID_FIELD_NUMBER: _ClassVar[int]
    CHUNK_SIZE_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    upload_id: str
    chunk_size: int
    timeout_seconds: int
    def __init__(self, upload_id: _Optional[str] = ..., chunk_size: _Optional[int] = ..., timeout_seconds: _Optional[int] = ...) -> None: ...

class UploadChunkRequest(_message.Message):
    __slots__ = ("upload_id", "chunk_data", "chunk_id")
    UPLOAD_ID_FIELD_NUMBER: _ClassVar[int]
    CHUNK_DATA_FIELD_NUMBER: _ClassVar[int]
    CHUNK_ID_FIELD_NUMBER: _ClassVar[int]
    upload_id: str
    chunk_data: bytes
    chunk_id: int
    def __init__(self, upload_id: _Optional[str] = ..., chunk_data: _Optional[bytes] = ..., chunk_id: _Optional[int] = ...) -> None: ...

class UploadChunkResponse(_message.Message):
    __slots__ = ("bytes_received",)
    BYTES_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    bytes_received: int
    def __init__(self, bytes_received: _Optional[int] = ...) -> None: ...

class CompleteUploadRequest(_message.Message):
    __slots__ = ("upload_id",)
    UPLOAD_ID_FIELD_NUMBER: _ClassVar[int]
    upload_id: str
    def __init__(self, upload_id: _Optional[str] = ...) -> None: ...

class CompleteUploadResponse(_message.Message):
    __slots__ = ("key",)
    KEY_FIELD_NUMBER: _ClassVar[int]
    key: str
    def __init__(self, key: _Optional[str] = ...) -> None: ...

class CancelUploadRequest(_message.Message):
    __slots__ = ("upload_id",)
    UPLOAD_ID_FIELD_NUMBER: _ClassVar[int]
    upload_id: str
    def __init__(self, upload_id: _Optional[str] = ...) -> None: ...

class CancelUploadResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
