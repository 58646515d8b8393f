"""Binds every method of our services to its handler module, or to UNIMPLEMENTED.

Each RPC lives in its own module ``ourchat.rpc.<area>.<snake_name>`` exposing
``handle(deps, request, context)`` (an async generator for server-streaming methods, and taking
the request iterator for client-streaming ones). A method whose module does not exist yet
answers ``UNIMPLEMENTED``. Request bytes that do not decode reach the interceptor as
:data:`ourchat.rpc.requests.UNDECODABLE`, which answers them.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor

from ourchat._pb.service.auth.v1 import auth_pb2
from ourchat._pb.service.basic.v1 import basic_pb2
from ourchat._pb.service.ourchat.v1 import ourchat_pb2
from ourchat._pb.service.server_manage.v1 import server_manage_pb2
from ourchat.deps import Deps
from ourchat.errors import Unimplemented
from ourchat.rpc.requests import lenient_decoder

SERVICES: dict[str, ServiceDescriptor] = {
    "auth": auth_pb2.DESCRIPTOR.services_by_name["AuthService"],
    "basic": basic_pb2.DESCRIPTOR.services_by_name["BasicService"],
    "ourchat": ourchat_pb2.DESCRIPTOR.services_by_name["OurChatService"],
    "server_manage": server_manage_pb2.DESCRIPTOR.services_by_name["ServerManageService"],
}

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


def _serializer(serialize: Callable[[Any], bytes]) -> Callable[[Any], bytes]:
    """Serialize response messages; bytes are frames a handler already encoded."""

    def _serialize(response: Any) -> bytes:
        return response if isinstance(response, bytes) else serialize(response)

    return _serialize


def _method_handler(deps: Deps, method: MethodDescriptor, handle: Callable[..., Any] | None) -> Any:
    request_cls = message_factory.GetMessageClass(method.input_type)
    response_cls = message_factory.GetMessageClass(method.output_type)
    kwargs: dict[str, Any] = {
        "request_deserializer": lenient_decoder(request_cls.FromString),
        "response_serializer": _serializer(response_cls.SerializeToString),
    }
    if method.server_streaming:

        async def streaming(request: Any, context: Any) -> AsyncIterator[Any]:
            if handle is None:
                raise Unimplemented()
            async for item in handle(deps, request, context):
                yield item

        return grpc.unary_stream_rpc_method_handler(streaming, **kwargs)

    async def unary(request: Any, context: Any) -> Any:
        if handle is None:
            raise Unimplemented()
        return await handle(deps, request, context)

    if method.client_streaming:
        return grpc.stream_unary_rpc_method_handler(unary, **kwargs)
    return grpc.unary_unary_rpc_method_handler(unary, **kwargs)


def generic_handlers(deps: Deps) -> list[Any]:
    """One generic handler per service, covering every method the protocol defines."""
    result = []
    for key, service in SERVICES.items():
        handlers = {
            m.name: _method_handler(deps, m, _find_handle(module_for(key, m.name)))
            for m in service.methods
        }
        result.append(grpc.method_handlers_generic_handler(service.full_name, handlers))
    return result


def implemented_methods() -> list[str]:
    """Full method paths that have a handler module (for logs and tests)."""
    return [
        f"/{service.full_name}/{m.name}"
        for key, service in SERVICES.items()
        for m in service.methods
        if _find_handle(module_for(key, m.name)) is not None
    ]
