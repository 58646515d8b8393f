import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UserFilter(_message.Message):
    __slots__ = ("account_status", "email", "user_name", "registered_after", "registered_before")
    ACCOUNT_STATUS_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AFTER_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_BEFORE_FIELD_NUMBER: _ClassVar[int]
    account_status: int
    email: str
    user_name: str
    registered_after: _timestamp_pb2.Timestamp
    registered_before: _timestamp_pb2.Timestamp
    def __init__(self, account_status: _Optional[int] = ..., email: _Optional[str] = ..., user_name: _Optional[str] = ..., registered_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., registered_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Pagination(_message.Message):
    __slots__ = ("page", "page_size")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListUsersRequest(_message.Message):
    __slots__ = ("filter", "pagination")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    filter: UserFilter
    pagination: Pagination
    def __init__(self, filter: _Optional[_Union[UserFilter, _Mapping]] = ..., pagination: _Optional[_Union[Pagination, _Mapping]] = ...) -> None: ...

class UserInfo(_message.Message):
    __slots__ = ("id", "ocid", "email", "user_name", "account_status", "register_time", "last_seen", "sessions_count")
    ID_FIELD_NUMBER: _ClassVar[int]
    OCID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_STATUS_FIELD_NUMBER: _ClassVar[int]
    REGISTER_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_COUNT_FIELD_NUMBER: _ClassVar[int]
    id: int
    ocid: str
    email: str
    user_name: str
    account_status: int
    register_time: _timestamp_pb2.Timestamp
    last_seen: _timestamp_pb2.Timestamp
    sessions_count: int
    def __init__(self, id: _Optional[int] = ..., ocid: _Optional[str] = ..., email: _Optional[str] = ..., user_name: _Optional[str] = ..., account_status: _Optional[int] = ..., register_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_seen: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sessions_count: _Optional[int] = ...) -> None: ...

class ListUsersResponse(_message.Message):
    __slots__ = ("users", "total_count", "page", "page_size")
    USERS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    users: _containers.RepeatedCompositeFieldContainer[UserInfo]
    total_count: int
    page: int
    page_size: int
    def __init__(self, users: _Optional[_Iterable[_Union[UserInfo, _Mapping]]] = ..., total_count: _Optional[int] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class BanUserRequest(_message.Message):
    __slots__ = ("user_id", "reason", "duration")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    reason: str
    duration: _duration_pb2.Duration
    def __init__(self, user_id: _Optional[int] = ..., reason: _Optional[str] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class BanUserResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UnbanUserRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    def __init__(self, user_id: _Optional[int] = ...) -> None: ...

class UnbanUserResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AssignServerRoleRequest(_message.Message):
    __slots__ = ("user_id", "role_id")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    role_id: int
    def __init__(self, user_id: _Optional[int] = ..., role_id: _Optional[int] = ...) -> None: ...

class AssignServerRoleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RemoveServerRoleRequest(_message.Message):
    __slots__ = ("user_id", "role_id")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    role_id: int
    def __init__(self, user_id: _Optional[int] = ..., role_id: _Optional[int] = ...) -> None: ...

class RemoveServerRoleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListUserServerRolesRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    def __init__(self, user_id: _Optional[int] = ...) -> None: ...

class ListUserServerRolesResponse(_message.Message):
    __slots__ = ("role_ids",)
    ROLE_IDS_FIELD_NUMBER: _ClassVar[int]
    role_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, role_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class ServerRoleInfo(_message.Message):
    __slots__ = ("id", "name", "description")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    description: str
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class PermissionInfo(_message.Message):
    __slots__ = ("id", "name", "description")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    description: str
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class ListServerRolesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListServerRolesResponse(_message.Message):
    __slots__ = ("roles",)
    ROLES_FIELD_NUMBER: _ClassVar[int]
    roles: _containers.RepeatedCompositeFieldContainer[ServerRoleInfo]
    def __init__(self, roles: _Optional[_Iterable[_Union[ServerRoleInfo, _Mapping]]] = ...) -> None: ...

class ListServerRolePermissionsRequest(_message.Message):
    __slots__ = ("role_id",)
    ROLE_ID_FIELD_NUMBER: _ClassVar[int]
    role_id: int
    def __init__(self, role_id: _Optional[int] = ...) -> None: ...

class ListServerRolePermissionsResponse(_message.Message):
    __slots__ = ("permissions",)
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    permissions: _containers.RepeatedCompositeFieldContainer[PermissionInfo]
    def __init__(self, permissions: _Optional[_Iterable[_Union[PermissionInfo, _Mapping]]] = ...) -> None: ...
