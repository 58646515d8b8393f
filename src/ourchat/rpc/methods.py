"""The method table: every RPC of our services with its handler, message types and kind.

Each RPC lives in its own module ``ourchat.rpc.<area>.<snake_name>`` exposing
``handle(deps, request, context)`` (an async generator for server-streaming methods, and taking
the request iterator for client-streaming ones). A method whose module does not exist yet has
no handler and answers ``UNIMPLEMENTED``. Every transport serves exactly this table.
"""

from __future__ import annotations

import enum
import functools
import importlib
import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor

from ourchat._pb.service.auth.v1 import auth_pb2
from ourchat._pb.service.basic.v1 import basic_pb2
from ourchat._pb.service.ourchat.v1 import ourchat_pb2
from ourchat._pb.service.server_manage.v1 import server_manage_pb2

SERVICES: dict[str, ServiceDescriptor] = {
    "auth": auth_pb2.DESCRIPTOR.services_by_name["AuthService"],
    "basic": basic_pb2.DESCRIPTOR.services_by_name["BasicService"],
    "ourchat": ourchat_pb2.DESCRIPTOR.services_by_name["OurChatService"],
    "server_manage": server_manage_pb2.DESCRIPTOR.services_by_name["ServerManageService"],
}

#: Services whose methods need no token (BEHAVIOR §1.1).
PUBLIC_SERVICES: frozenset[str] = frozenset({"auth", "basic"})
#: Public methods that still identify a caller who sends a valid token (for extras only).
OPTIONAL_AUTH_METHODS: frozenset[str] = frozenset({"/service.basic.v1.BasicService/GetVoipConfig"})

# OurChatService methods grouped by the area package that implements them.
OURCHAT_AREAS: dict[str, tuple[str, ...]] = {
    "account": ("Unregister", "GetAccountInfo", "SetSelfInfo"),
    "friends": ("AddFriend", "AcceptFriendInvitation", "DeleteFriend", "SetFriendInfo"),
    "msg_delivery": ("FetchMsgs", "SendMsg", "RecallMsg"),
    "files": (
        "Upload",
        "StartUpload",
        "UploadChunk",
        "CompleteUpload",
        "CancelUpload",
        "Download",
        "DeleteFile",
    ),
    "session": (
        "NewSession",
        "GetSessionInfo",
        "SetSessionInfo",
        "DeleteSession",
        "LeaveSession",
        "JoinSession",
        "AllowUserJoinSession",
        "InviteUserToSession",
        "AcceptJoinSessionInvitation",
        "KickUser",
        "MuteUser",
        "UnmuteUser",
        "BanUser",
        "UnbanUser",
        "SetRole",
        "AddRole",
        "GetRole",
        "SendRoomKey",
        "E2eeizeSession",
        "Dee2eeizeSession",
    ),
    "webrtc": (
        "CreateRoom",
        "JoinRoom",
        "LeaveRoom",
        "GetRoomMembers",
        "InviteUserToRoom",
        "AcceptRoomInvitation",
        "PromoteRoomAdmin",
        "DemoteRoomAdmin",
        "KickUserFromRoom",
        "Signal",
    ),
}


class Kind(enum.Enum):
    """How many messages flow each way."""

    UNARY = "unary"
    SERVER_STREAM = "server-stream"
    CLIENT_STREAM = "client-stream"
    BIDI_STREAM = "bidi-stream"


@dataclass(frozen=True, slots=True)
class Method:
    """One RPC: ``path`` is ``/package.Service/Name``; ``handle`` is None until it is built.

    ``public`` methods need no token; of those, ``optional_auth`` ones know a caller who sends
    a valid one.
    """

    path: str
    name: str
    kind: Kind
    request_type: type[Any]
    response_type: type[Any]
    handle: Callable[..., Any] | None
    public: bool
    optional_auth: bool = False


def snake(name: str) -> str:
    """``AcceptJoinSessionInvitation`` → ``accept_join_session_invitation``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def module_for(service: str, method: str) -> str:
    """The module that implements ``method`` of ``service`` (a key of :data:`SERVICES`)."""
    if service == "ourchat":
        area = next(a for a, names in OURCHAT_AREAS.items() if method in names)
        return f"ourchat.rpc.{area}.{snake(method)}"
    return f"ourchat.rpc.{service}.{snake(method)}"


def _find_handle(module_name: str) -> Callable[..., Any] | None:
    if importlib.util.find_spec(module_name.rsplit(".", 1)[0]) is None:
        return None
    if importlib.util.find_spec(module_name) is None:
        return None
    handle: Callable[..., Any] = importlib.import_module(module_name).handle
    return handle


def _kind(method: MethodDescriptor) -> Kind:
    if method.client_streaming:
        return Kind.BIDI_STREAM if method.server_streaming else Kind.CLIENT_STREAM
    return Kind.SERVER_STREAM if method.server_streaming else Kind.UNARY


@functools.cache
def method_table() -> dict[str, Method]:
    """Every method the protocol defines, by full path."""
    table: dict[str, Method] = {}
    for key, service in SERVICES.items():
        for m in service.methods:
            path = f"/{service.full_name}/{m.name}"
            table[path] = Method(
                path=path,
                name=m.name,
                kind=_kind(m),
                request_type=message_factory.GetMessageClass(m.input_type),
                response_type=message_factory.GetMessageClass(m.output_type),
                handle=_find_handle(module_for(key, m.name)),
                public=key in PUBLIC_SERVICES,
                optional_auth=path in OPTIONAL_AUTH_METHODS,
            )
    return table


def implemented_methods() -> list[str]:
    """Full method paths that have a handler module (for logs and tests)."""
    return [m.path for m in method_table().values() if m.handle is not None]
